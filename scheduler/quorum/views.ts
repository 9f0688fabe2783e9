/** The KRaft quorum as the REST API shows it: controllers, Kafka's own description with each member's lag, the voter change. */

import type { ControllerJson, KafkaNode } from '../../contract/index.js'
import { type LastDecline, nodeJson } from '../brokers/index.js'
import type { QuorumDescription } from '../kafka/index.js'
import { describeChange, type QuorumChange } from './change.js'
import { controllerEndpoint } from './voters.js'

/** A quorum change for the API: the stored change plus a one-line summary. */
export function changeJson(c: QuorumChange | undefined) {
  return c
    ? {
        ...c,
        summary: describeChange(c),
        progress: c.progress.map((p) => ({ time: new Date(p.time).toISOString(), text: p.text })),
      }
    : null
}

/** One voter or observer row of `controller list`: lag in metadata-log records behind the leader. */
export interface QuorumMemberJson {
  id: number
  role: 'leader' | 'follower' | 'observer'
  logEndOffset: number
  /** records behind the leader's high watermark (0 = caught up); -1 unknown */
  lag: number
  /** epoch ms, -1 unknown */
  lastCaughtUpTimestamp: number
  /** metadata log directory id (Kafka Uuid) */
  directoryId: string
}

/** The quorum as Kafka describes it (DescribeQuorum v2, KIP-853), shaped for the API. */
export function quorumJson(q: QuorumDescription) {
  const member =
    (role: 'follower' | 'observer') =>
    (r: QuorumDescription['voters'][number]): QuorumMemberJson => ({
      id: r.replicaId,
      role: r.replicaId === q.leaderId && role === 'follower' ? 'leader' : role,
      logEndOffset: r.logEndOffset,
      lag: r.logEndOffset < 0 ? -1 : Math.max(0, q.highWatermark - r.logEndOffset),
      lastCaughtUpTimestamp: r.lastCaughtUpTimestamp,
      directoryId: r.directoryId,
    })
  return {
    leaderId: q.leaderId,
    leaderEpoch: q.leaderEpoch,
    highWatermark: q.highWatermark,
    voters: q.voters.map(member('follower')),
    observers: q.observers.map(member('observer')),
    nodes: q.nodes,
  }
}

/** The voters as `controller list` shows them: node JSON plus endpoint, directory id, and membership while joining or leaving. */
export function controllersJson(
  voters: readonly KafkaNode[],
  waiting: ReadonlyMap<number, LastDecline>,
): ControllerJson[] {
  return voters.map(
    (n): ControllerJson => ({
      ...nodeJson(n, Date.now(), waiting.get(n.id)),
      endpoint: controllerEndpoint(n),
      directoryId: n.directoryId,
      membership: n.membership,
    }),
  )
}
