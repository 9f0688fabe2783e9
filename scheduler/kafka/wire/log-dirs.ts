/** DescribeLogDirs v3 on the wire: each broker's replica log sizes. */

/**
 * DescribeLogDirs (API key 35) at version 3 (flexible, with the top-level error code), which
 * kafkajs 2.2.4 lacks. Layout from Kafka 4.4.0's `DescribeLogDirs{Request,Response}.json`. Each
 * broker describes only its own log directories, so it is sent to every broker of interest.
 */

import { type Reader, Writer } from './codec.js'
import { request, splitEndpoint } from './connection.js'
import { KafkaWireError } from './errors.js'

export const DESCRIBE_LOG_DIRS_API_KEY = 35
const VERSION = 3

/** One replica log on a broker. `size` in bytes; `future` for a log being moved between directories. */
export interface ReplicaLog {
  logDir: string
  topic: string
  partition: number
  size: number
  offsetLag: number
  future: boolean
}

/** Encodes a DescribeLogDirs v3 request body; `topics` null describes every partition. */
export function describeLogDirsRequest(topics: ReadonlyArray<{ topic: string; partitions: number[] }> | null): Buffer {
  return new Writer()
    .compactNullableArray(topics, (w, t) => {
      w.compactString(t.topic)
        .compactArray(t.partitions, (wp, p) => {
          wp.int32(p)
        })
        .tags()
    })
    .tags()
    .build()
}

/**
 * Decodes a DescribeLogDirs v3 response body into the replica logs of every healthy directory
 * (a directory with an error, e.g. KAFKA_STORAGE_ERROR, is skipped).
 * @throws KafkaWireError for a top-level error code; WireError when malformed
 */
export function parseDescribeLogDirs(r: Reader): ReplicaLog[] {
  r.int32() // throttle_time_ms
  const top = r.int16()
  const out: ReplicaLog[] = []
  r.compactArray((d) => {
    const error = d.int16()
    const logDir = d.compactString()
    d.compactArray((t) => {
      const topic = t.compactString()
      t.compactArray((p) => {
        const replica = { logDir, topic, partition: p.int32(), size: p.int64(), offsetLag: p.int64(), future: p.bool() }
        p.tags()
        if (error === 0) out.push(replica)
      })
      t.tags()
    })
    d.tags()
  })
  r.tags()
  if (top !== 0) throw new KafkaWireError(top, null, 'DescribeLogDirs')
  return out
}

/**
 * The replica logs one broker holds for `topics` (null: all).
 * @throws KafkaWireError when the broker refuses; Error when it does not answer in time
 */
export async function describeLogDirs(
  endpoint: string,
  topics: ReadonlyArray<{ topic: string; partitions: number[] }> | null,
  timeoutMs = 5_000,
): Promise<ReplicaLog[]> {
  const r = await request({
    ...splitEndpoint(endpoint),
    apiKey: DESCRIBE_LOG_DIRS_API_KEY,
    apiVersion: VERSION,
    body: describeLogDirsRequest(topics),
    flexible: true,
    timeoutMs,
  })
  return parseDescribeLogDirs(r)
}
