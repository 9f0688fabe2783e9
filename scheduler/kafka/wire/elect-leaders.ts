/** ElectLeaders v2 (KIP-460) on the wire. */

/**
 * ElectLeaders (API key 43, KIP-460), which kafkajs 2.2.4 lacks, at version 2 (its first flexible
 * version). Layout from Kafka 4.4.0's `ElectLeadersRequest.json` / `ElectLeadersResponse.json`.
 * A broker forwards it to the active controller.
 */

import { type Reader, Writer } from './codec.js'
import { requestAny } from './connection.js'
import { KafkaWireError, type PartitionResult, readPartitionResults } from './errors.js'

export const ELECT_LEADERS_API_KEY = 43
const VERSION = 2

/** Election types (KIP-460): the preferred replica (the first of the replicas), or any live replica when no ISR member is left. */
export const ElectionType = { PREFERRED: 0, UNCLEAN: 1 } as const

/** One partition's outcome; `error` null when its leader was elected, else e.g. ELECTION_NOT_NEEDED (already led by its preferred replica). */
export type ElectionResult = PartitionResult

/** Encodes an ElectLeaders v2 request body; `partitions` null elects for every partition. */
export function electLeadersRequest(
  type: number,
  partitions: ReadonlyArray<{ topic: string; partitions: number[] }> | null,
  timeoutMs: number,
): Buffer {
  return new Writer()
    .int8(type)
    .compactNullableArray(partitions, (w, t) => {
      w.compactString(t.topic)
        .compactArray(t.partitions, (wp, p) => {
          wp.int32(p)
        })
        .tags()
    })
    .int32(timeoutMs)
    .tags()
    .build()
}

/**
 * Decodes an ElectLeaders v2 response body into one result per partition.
 * @throws KafkaWireError for a top-level error code (e.g. CLUSTER_AUTHORIZATION_FAILED); WireError when malformed
 */
export function parseElectLeaders(r: Reader): ElectionResult[] {
  r.int32() // throttle_time_ms
  const top = r.int16()
  const out = readPartitionResults(r)
  r.tags()
  if (top !== 0) throw new KafkaWireError(top, null, 'ElectLeaders')
  return out
}

/**
 * Runs a leader election through any of `endpoints`.
 * @throws KafkaWireError for a top-level refusal; Error when no broker answers
 */
export async function electLeaders(
  endpoints: readonly string[],
  type: number,
  partitions: ReadonlyArray<{ topic: string; partitions: number[] }> | null,
  timeoutMs = 30_000,
): Promise<ElectionResult[]> {
  const { reader } = await requestAny(
    endpoints,
    {
      apiKey: ELECT_LEADERS_API_KEY,
      apiVersion: VERSION,
      body: electLeadersRequest(type, partitions, timeoutMs),
      flexible: true,
      timeoutMs: timeoutMs + 5_000,
    },
    'ElectLeaders',
  )
  return parseElectLeaders(reader)
}
