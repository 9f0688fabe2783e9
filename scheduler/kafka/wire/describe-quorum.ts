import { Writer, type Reader } from './codec.js'
import { request } from './connection.js'
import { kafkaErrorName } from './errors.js'

/** DescribeQuorum is API key 55 (KIP-595); version 1 adds the fetch/caught-up timestamps. */
export const DESCRIBE_QUORUM_API_KEY = 55
const VERSION = 1
const METADATA_TOPIC = '__cluster_metadata'

/** One replica of the metadata log, as the quorum leader sees it. Timestamps in epoch ms (-1 unknown). */
export interface QuorumReplica {
  replicaId: number
  logEndOffset: number
  lastFetchTimestamp: number
  lastCaughtUpTimestamp: number
}

/** The KRaft quorum: leader, epoch, high watermark, voters and observers (brokers). */
export interface QuorumDescription {
  leaderId: number
  leaderEpoch: number
  highWatermark: number
  voters: QuorumReplica[]
  observers: QuorumReplica[]
}


/** Raised when a node answers with a Kafka error code. */
export class QuorumError extends Error {
  readonly code = 'KM_ERR_QUORUM'
  constructor(readonly kafkaCode: number, where: string) {
    super(`DescribeQuorum at ${where}: ${kafkaErrorName(kafkaCode)}`)
  }
}

function replica(r: Reader): QuorumReplica {
  const out = { replicaId: r.int32(), logEndOffset: r.int64(), lastFetchTimestamp: r.int64(), lastCaughtUpTimestamp: r.int64() }
  r.tags()
  return out
}

/** Encodes a DescribeQuorum v1 request body for `__cluster_metadata-0`. */
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
 * Decodes a DescribeQuorum v1 response body.
 * @throws QuorumError for a top-level or partition error code; WireError for a malformed body
 */
export function parseDescribeQuorum(r: Reader, where: string): QuorumDescription {
  const top = r.int16()
  if (top !== 0) throw new QuorumError(top, where)
  const topics = r.compactArray((t) => {
    const name = t.compactString()
    const partitions = t.compactArray((p) => {
      const partition = {
        index: p.int32(),
        errorCode: p.int16(),
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
  r.tags()
  const p = topics.find((t) => t.name === METADATA_TOPIC)?.partitions[0]
  if (!p) throw new QuorumError(3, where)
  if (p.errorCode !== 0) throw new QuorumError(p.errorCode, where)
  return { leaderId: p.leaderId, leaderEpoch: p.leaderEpoch, highWatermark: p.highWatermark, voters: p.voters, observers: p.observers }
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
    const i = ep.lastIndexOf(':')
    const host = ep.slice(0, i)
    const port = Number(ep.slice(i + 1))
    try {
      const r = await request({ host, port, apiKey: DESCRIBE_QUORUM_API_KEY, apiVersion: VERSION, body: describeQuorumRequest(), flexible: true, timeoutMs })
      return parseDescribeQuorum(r, ep)
    } catch (e) {
      failures.push(`${ep}: ${(e as Error).message}`)
    }
  }
  throw new Error(`no node described the KRaft quorum (${failures.join('; ') || 'no endpoints'})`)
}
