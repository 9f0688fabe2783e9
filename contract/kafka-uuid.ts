/** Kafka Uuids in their text form: cluster ids and metadata directory ids. */

import { randomBytes } from 'node:crypto'

/**
 * A new Kafka Uuid as Kafka prints it: 16 random bytes as 22 base64url characters, never starting
 * with `-` (Kafka's `Uuid.randomUuid` rule, `clients/src/main/java/org/apache/kafka/common/Uuid.java`:
 * such ids would read as options on the `kafka-storage` command line).
 */
export function newKafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}
