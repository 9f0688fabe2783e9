/** Kafka's error codes met on the wire, with their names, and the KafkaWireError of a refusal. */

import { KmError } from '../../../errors/index.js'
import type { Reader } from './codec.js'

/**
 * Kafka error codes met by our wire calls, with their names (Kafka protocol guide, "Error Codes";
 * the same numbers as `org.apache.kafka.common.protocol.Errors` of the pinned 4.4.0 clients jar).
 */
export const KAFKA_ERROR_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'UNKNOWN_SERVER_ERROR',
  3: 'UNKNOWN_TOPIC_OR_PARTITION',
  5: 'LEADER_NOT_AVAILABLE',
  6: 'NOT_LEADER_OR_FOLLOWER',
  7: 'REQUEST_TIMED_OUT',
  15: 'COORDINATOR_NOT_AVAILABLE',
  29: 'TOPIC_AUTHORIZATION_FAILED',
  31: 'CLUSTER_AUTHORIZATION_FAILED',
  35: 'UNSUPPORTED_VERSION',
  39: 'INVALID_REPLICA_ASSIGNMENT',
  40: 'INVALID_CONFIG',
  41: 'NOT_CONTROLLER',
  42: 'INVALID_REQUEST',
  44: 'POLICY_VIOLATION',
  80: 'PREFERRED_LEADER_NOT_AVAILABLE',
  83: 'ELIGIBLE_LEADERS_NOT_AVAILABLE',
  84: 'ELECTION_NOT_NEEDED',
  85: 'NO_REASSIGNMENT_IN_PROGRESS',
  94: 'INCONSISTENT_VOTER_SET',
  104: 'INCONSISTENT_CLUSTER_ID',
  125: 'INVALID_VOTER_KEY',
  126: 'DUPLICATE_VOTER',
  127: 'VOTER_NOT_FOUND',
}

/** `NAME` of a Kafka error code, or `Kafka error <code>` for one not in the table. */
export function kafkaErrorName(code: number): string {
  return KAFKA_ERROR_NAMES[code] ?? `Kafka error ${code}`
}

/** A Kafka node answered a wire request with an error code (the request reached Kafka; retrying elsewhere won't help). */
export class KafkaWireError extends KmError {
  readonly errorName: string
  /**
   * @param kafkaCode Kafka's error code
   * @param kafkaMessage Kafka's error_message, when the response carries one
   * @param what the request, e.g. `AlterClientQuotas`
   */
  constructor(
    readonly kafkaCode: number,
    readonly kafkaMessage: string | null,
    what: string,
  ) {
    super('KM_ERR_KAFKA_REFUSED', `${what}: ${kafkaErrorName(kafkaCode)}${kafkaMessage ? `: ${kafkaMessage}` : ''}`, {
      status: 400,
    })
    this.name = 'KafkaWireError' // its subclasses too
    this.errorName = kafkaErrorName(kafkaCode)
  }
}

/** One partition's answer in a per-partition result list (ElectLeaders, AlterPartitionReassignments). */
export interface PartitionResult {
  topic: string
  partition: number
  /** Kafka's error name, or null for success */
  error: string | null
  errorCode: number
  message: string | null
}

/**
 * Reads the flexible-version result list that ElectLeaders v2 and AlterPartitionReassignments v0
 * share: topics (compact string) each with partitions (int32 index, int16 error code, compact
 * nullable message, tagged fields). @throws WireError when malformed
 */
export function readPartitionResults(r: Reader): PartitionResult[] {
  const out: PartitionResult[] = []
  r.compactArray((t) => {
    const topic = t.compactString()
    t.compactArray((p) => {
      const partition = p.int32()
      const errorCode = p.int16()
      const message = p.compactNullableString()
      p.tags()
      out.push({ topic, partition, errorCode, error: errorCode === 0 ? null : kafkaErrorName(errorCode), message })
    })
    t.tags()
  })
  return out
}
