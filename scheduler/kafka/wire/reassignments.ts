/** AlterPartitionReassignments v0 (KIP-455) on the wire, for cancelling a reassignment. */

/**
 * AlterPartitionReassignments (API key 45, KIP-455) at version 0 (flexible from 0), for what
 * kafkajs 2.2.4 can't send: a null replica list, which cancels a pending reassignment (its encoder
 * requires an array). Layout from Kafka 4.4.0's `AlterPartitionReassignments{Request,Response}.json`.
 */

import { type Reader, Writer } from './codec.js'
import { requestAny } from './connection.js'
import { KafkaWireError, type PartitionResult, readPartitionResults } from './errors.js'

export const ALTER_PARTITION_REASSIGNMENTS_API_KEY = 45
const VERSION = 0

/** One partition: new replicas, or null to cancel its pending reassignment. */
export interface ReassignmentChange {
  topic: string
  partition: number
  replicas: number[] | null
}

/** One partition's answer; `error` null on success. */
export type ReassignmentResult = PartitionResult

/** Encodes an AlterPartitionReassignments v0 request body (partitions grouped by topic in the given order). */
export function alterPartitionReassignmentsRequest(changes: readonly ReassignmentChange[], timeoutMs: number): Buffer {
  const byTopic = new Map<string, ReassignmentChange[]>()
  for (const c of changes) byTopic.set(c.topic, [...(byTopic.get(c.topic) ?? []), c])
  return new Writer()
    .int32(timeoutMs)
    .compactArray([...byTopic], (w, [topic, parts]) => {
      w.compactString(topic)
        .compactArray(parts, (wp, p) => {
          wp.int32(p.partition)
            .compactNullableArray(p.replicas, (wr, id) => {
              wr.int32(id)
            })
            .tags()
        })
        .tags()
    })
    .tags()
    .build()
}

/**
 * Decodes an AlterPartitionReassignments v0 response body into one result per partition.
 * @throws KafkaWireError for a top-level error code; WireError when malformed
 */
export function parseAlterPartitionReassignments(r: Reader): ReassignmentResult[] {
  r.int32() // throttle_time_ms
  const top = r.int16()
  const topMessage = r.compactNullableString()
  const out = readPartitionResults(r)
  r.tags()
  if (top !== 0) throw new KafkaWireError(top, topMessage, 'AlterPartitionReassignments')
  return out
}

/**
 * Sends reassignment changes (null replicas = cancel) through any of `endpoints`.
 * @returns one result per partition; per-partition errors (e.g. NO_REASSIGNMENT_IN_PROGRESS) are not thrown
 * @throws KafkaWireError for a top-level refusal; Error when no broker answers
 */
export async function alterPartitionReassignments(
  endpoints: readonly string[],
  changes: readonly ReassignmentChange[],
  timeoutMs = 30_000,
): Promise<ReassignmentResult[]> {
  const { reader } = await requestAny(
    endpoints,
    {
      apiKey: ALTER_PARTITION_REASSIGNMENTS_API_KEY,
      apiVersion: VERSION,
      body: alterPartitionReassignmentsRequest(changes, timeoutMs),
      flexible: true,
      timeoutMs: timeoutMs + 5_000,
    },
    'AlterPartitionReassignments',
  )
  return parseAlterPartitionReassignments(reader)
}
