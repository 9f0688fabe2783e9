/** DescribeQuorum v2 (KIP-595, KIP-836, KIP-853): the KRaft quorum as Kafka describes it. */

import { type Reader, Writer } from './codec.js'
import { request, splitEndpoint } from './connection.js'
import { KafkaWireError } from './errors.js'

/**
 * DescribeQuorum is API key 55 (KIP-595). Version 1 added the fetch/caught-up timestamps (KIP-836);
 * version 2 adds each replica's directory id, the error messages and the voters' listeners (KIP-853).
 * Layouts: `DescribeQuorumRequest.json`/`DescribeQuorumResponse.json` of the pinned 4.4.0 clients jar.
 */
export const DESCRIBE_QUORUM_API_KEY = 55
const VERSION = 2
const METADATA_TOPIC = '__cluster_metadata'

/** Kafka's Uuid.ZERO_UUID: a voter of a static quorum (kraft.version 0) has this directory id. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

/** One replica of the metadata log, as the quorum leader sees it. Timestamps in epoch ms (-1 unknown). */
export interface QuorumReplica {
  replicaId: number
  /** metadata log directory id (Kafka Uuid, base64url); {@link ZERO_UUID} in a static quorum */
  directoryId: string
  logEndOffset: number
  lastFetchTimestamp: number
  lastCaughtUpTimestamp: number
}

/** A listener of a voter: name (`CONTROLLER`), host, port. */
export interface QuorumListener {
  name: string
  host: string
  port: number
}

/** The KRaft quorum: leader, epoch, high watermark, voters, observers (brokers, joining controllers) and the voters' listeners. */
export interface QuorumDescription {
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplica[]
  observers: QuorumReplica[]
  /** voter node id → its listeners (v2 `Nodes`) */
  nodes: Array<{ nodeId: number; listeners: QuorumListener[] }>
}

/** Raised when a node answers DescribeQuorum with a Kafka error code. */
export class QuorumError extends KafkaWireError {
  constructor(kafkaCode: number, where: string, message?: string | null) {
    super(kafkaCode, message ?? null, `DescribeQuorum at ${where}`)
  }
}

function replica(r: Reader): QuorumReplica {
  const out = {
    replicaId: r.int32(),
    directoryId: r.uuid(),
    logEndOffset: r.int64(),
    lastFetchTimestamp: r.int64(),
    lastCaughtUpTimestamp: r.int64(),
  }
  r.tags()
  return out
}

/** Encodes a DescribeQuorum v2 request body for `__cluster_metadata-0` (the body is the same in v0–v2). */
export function describeQuorumRequest(): Buffer {
  return new Writer()
    .compactArray([METADATA_TOPIC], (w, topic) => {
      w.compactString(topic)
        .compactArray([0], (w2, p) => w2.int32(p).tags())
        .tags()
    })
    .tags()
    .build()
}

/**
 * Decodes a DescribeQuorum v2 response body.
 * @throws QuorumError for a top-level or partition error code; WireError for a malformed body
 */
export function parseDescribeQuorum(r: Reader, where: string): QuorumDescription {
  const top = r.int16()
  const topMessage = r.compactNullableString()
  if (top !== 0) throw new QuorumError(top, where, topMessage)
  const topics = r.compactArray((t) => {
    const name = t.compactString()
    const partitions = t.compactArray((p) => {
      const partition = {
        index: p.int32(),
        errorCode: p.int16(),
        errorMessage: p.compactNullableString(),
        leaderId: p.int32(),
        leaderEpoch: p.int32(),
        highWatermark: p.int64(),
        voters: p.compactArray(replica),
        observers: p.compactArray(replica),
      }
      p.tags()
      return partition
    })
    t.tags()
    return { name, partitions }
  })
  const nodes = r.compactArray((n) => {
    const nodeId = n.int32()
    const listeners = n.compactArray((l) => {
      const listener = { name: l.compactString(), host: l.compactString(), port: l.uint16() }
      l.tags()
      return listener
    })
    n.tags()
    return { nodeId, listeners }
  })
  r.tags()
  const p = topics.find((t) => t.name === METADATA_TOPIC)?.partitions[0]
  if (!p) throw new QuorumError(3, where)
  if (p.errorCode !== 0) throw new QuorumError(p.errorCode, where, p.errorMessage)
  return {
    leaderId: p.leaderId,
    leaderEpoch: p.leaderEpoch,
    highWatermark: p.highWatermark,
    voters: p.voters,
    observers: p.observers,
    nodes,
  }
}

/**
 * Asks the KRaft quorum for its state (what `kafka-metadata-quorum describe --status --replication`
 * shows). Tries each endpoint in turn — a broker forwards to the active controller; a controller
 * that is not the leader answers NOT_LEADER_OR_FOLLOWER — and returns the first full answer.
 * @param endpoints `host:port` of brokers and/or controllers
 * @throws Error naming every endpoint's failure when none answers
 */
export async function describeQuorum(endpoints: readonly string[], timeoutMs = 5000): Promise<QuorumDescription> {
  const failures: string[] = []
  for (const ep of endpoints) {
    const { host, port } = splitEndpoint(ep)
    try {
      const r = await request({
        host,
        port,
        apiKey: DESCRIBE_QUORUM_API_KEY,
        apiVersion: VERSION,
        body: describeQuorumRequest(),
        flexible: true,
        timeoutMs,
      })
      return parseDescribeQuorum(r, ep)
    } catch (e) {
      failures.push(`${ep}: ${(e as Error).message}`)
    }
  }
  throw new Error(`no node described the KRaft quorum (${failures.join('; ') || 'no endpoints'})`)
}
