/** Progress of partition moves in bytes and partitions, measured from the brokers' log sizes. */

/**
 * Progress of partition moves in bytes and partitions (past mesos/kafka, toward Cruise Control's
 * executor state). Sizes come from DescribeLogDirs (our wire client), asked of each broker:
 *
 * - a partition's size is the largest copy among its current replicas when the move starts;
 * - bytes to move = Σ size × replicas being added (each new replica copies the whole log);
 * - bytes moved = Σ over added replicas of min(its log size now, the partition's size), and the
 *   full amount for a move that is done. New writes during the move are not counted.
 */

import type { Admin } from 'kafkajs'
import type { MoveProgress } from '../../contract/index.js'
import { describeLogDirs } from './wire/index.js'

/** One planned move as rebalance.ts keeps it. */
export interface PlannedMove {
  topic: string
  partition: number
  from: number[]
  to: number[]
  state?: string
}

const key = (topic: string, partition: number) => `${topic}:${partition}`

/** Replicas a move adds (in `to`, not in `from`). */
export function addedReplicas(m: PlannedMove): number[] {
  return m.to.filter((b) => !m.from.includes(b))
}

/** Bytes the moves copy: each added replica copies its partition's whole log. */
export function bytesToMove(moves: readonly PlannedMove[], sizes: ReadonlyMap<string, number>): number {
  return moves.reduce((n, m) => n + (sizes.get(key(m.topic, m.partition)) ?? 0) * addedReplicas(m).length, 0)
}

/**
 * Progress from the planned sizes and the sizes of the added replicas now (`broker/topic:partition`
 * → bytes; missing = not created yet). A move whose state is `done` counts in full.
 */
export function progressOf(
  moves: readonly PlannedMove[],
  sizes: ReadonlyMap<string, number>,
  now: ReadonlyMap<string, number>,
): MoveProgress {
  let moved = 0
  let done = 0
  for (const m of moves) {
    const size = sizes.get(key(m.topic, m.partition)) ?? 0
    const added = addedReplicas(m)
    if (m.state === 'done') {
      done++
      moved += size * added.length
      continue
    }
    for (const b of added) moved += Math.min(size, now.get(`${b}/${key(m.topic, m.partition)}`) ?? 0)
  }
  return { partitions: { done, total: moves.length }, bytes: { moved, total: bytesToMove(moves, sizes) } }
}

/** `host:port` of every broker Kafka has registered, by node id. */
export async function brokerEndpoints(admin: Admin): Promise<Map<number, string>> {
  const { brokers } = await admin.describeCluster()
  return new Map(brokers.map((b) => [b.nodeId, `${b.host}:${b.port}`]))
}

/**
 * Asks each broker for the logs it holds of these partitions: `broker/topic:partition` → bytes
 * (current logs only, not future ones being moved between directories). Brokers that don't answer
 * are left out.
 */
export async function replicaSizes(
  endpoints: ReadonlyMap<number, string>,
  wanted: ReadonlyMap<number, ReadonlyArray<{ topic: string; partition: number }>>,
): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  await Promise.all(
    [...wanted].map(async ([broker, parts]) => {
      const ep = endpoints.get(broker)
      if (!ep || parts.length === 0) return
      const byTopic = new Map<string, number[]>()
      for (const p of parts) byTopic.set(p.topic, [...(byTopic.get(p.topic) ?? []), p.partition])
      try {
        const logs = await describeLogDirs(
          ep,
          [...byTopic].map(([topic, partitions]) => ({ topic, partitions })),
        )
        for (const l of logs) if (!l.future) out.set(`${broker}/${key(l.topic, l.partition)}`, l.size)
      } catch {
        // a broker that is down has copied nothing we can count
      }
    }),
  )
  return out
}

/** Each partition's size before its move: the largest copy among its current replicas. */
export async function partitionSizes(admin: Admin, moves: readonly PlannedMove[]): Promise<Map<string, number>> {
  const wanted = new Map<number, Array<{ topic: string; partition: number }>>()
  for (const m of moves)
    for (const b of m.from) wanted.set(b, [...(wanted.get(b) ?? []), { topic: m.topic, partition: m.partition }])
  const logs = await replicaSizes(await brokerEndpoints(admin), wanted)
  const out = new Map<string, number>()
  for (const [k, size] of logs) {
    const p = k.slice(k.indexOf('/') + 1)
    out.set(p, Math.max(out.get(p) ?? 0, size))
  }
  return out
}

/** The added replicas' sizes now, for {@link progressOf}. */
export async function addedSizes(admin: Admin, moves: readonly PlannedMove[]): Promise<Map<string, number>> {
  const wanted = new Map<number, Array<{ topic: string; partition: number }>>()
  for (const m of moves) {
    if (m.state === 'done') continue
    for (const b of addedReplicas(m))
      wanted.set(b, [...(wanted.get(b) ?? []), { topic: m.topic, partition: m.partition }])
  }
  if (wanted.size === 0) return new Map()
  return replicaSizes(await brokerEndpoints(admin), wanted)
}
