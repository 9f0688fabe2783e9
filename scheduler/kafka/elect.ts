/** Preferred-leader election of topics (ElectLeaders, KIP-460). */

/**
 * Preferred-leader election (what `kafka-leader-election.sh --election-type PREFERRED` does):
 * every partition of the topics whose leader is not its preferred replica (the first of its
 * replicas) gets that replica back as leader, when it is in the ISR. Through ElectLeaders (API key
 * 43, KIP-460) on our wire client, since kafkajs 2.2.4 lacks it. Useful after a broker restart,
 * which leaves its partitions led by others until Kafka's own periodic rebalance
 * (`leader.imbalance.check.interval.seconds`, 300 s by default).
 */

import type { Admin } from 'kafkajs'
import { topicMetadata } from './topics.js'
import { ElectionType, electLeaders } from './wire/index.js'

/** The answer of `topic/elect-leaders`. */
export interface ElectionAnswer {
  /** `elected` when every asked partition is now led by its preferred replica, `partial` when some failed */
  status: 'elected' | 'partial'
  /** partitions whose leader changed to the preferred replica */
  elected: Array<{ topic: string; partition: number; leader: number }>
  /** partitions already led by their preferred replica (Kafka's ELECTION_NOT_NEEDED) */
  notNeeded: Array<{ topic: string; partition: number; leader: number }>
  /** partitions Kafka could not elect for, with its reason (e.g. PREFERRED_LEADER_NOT_AVAILABLE: the preferred replica is not in the ISR) */
  failed: Array<{ topic: string; partition: number; error: string }>
}

/**
 * Elects the preferred leader of every partition of `topics` (existing topics).
 * After Kafka answers, waits up to `settleMs` until the brokers' metadata shows the new leaders.
 * @throws KafkaWireError for a refusal of the whole request; Error when no broker answers
 */
export async function electPreferredLeaders(
  admin: Admin,
  endpoints: readonly string[],
  topics: string[],
  settleMs = 5_000,
): Promise<ElectionAnswer> {
  const meta = await topicMetadata(admin, topics)
  const partitions = [...meta].map(([topic, parts]) => ({ topic, partitions: parts.map((p) => p.partitionId) }))
  const results = partitions.length === 0 ? [] : await electLeaders(endpoints, ElectionType.PREFERRED, partitions)
  const preferred = new Map(
    [...meta].flatMap(([topic, parts]) => parts.map((p) => [`${topic}:${p.partitionId}`, p.replicas[0]] as const)),
  )
  const ok = results.filter((r) => r.error === null)
  const failed = results
    .filter((r) => r.error !== null && r.error !== 'ELECTION_NOT_NEEDED')
    .map((r) => ({ topic: r.topic, partition: r.partition, error: `${r.error}${r.message ? `: ${r.message}` : ''}` }))
  const notNeeded = results
    .filter((r) => r.error === 'ELECTION_NOT_NEEDED')
    .map((r) => ({ topic: r.topic, partition: r.partition, leader: preferred.get(`${r.topic}:${r.partition}`) ?? -1 }))

  const deadline = Date.now() + settleMs
  let leaders = new Map<string, number>()
  for (;;) {
    const now = await topicMetadata(admin, [...new Set(ok.map((r) => r.topic))])
    leaders = new Map(
      [...now].flatMap(([topic, parts]) => parts.map((p) => [`${topic}:${p.partitionId}`, p.leader] as const)),
    )
    if (
      ok.every((r) => leaders.get(`${r.topic}:${r.partition}`) === preferred.get(`${r.topic}:${r.partition}`)) ||
      Date.now() >= deadline
    )
      break
    await new Promise((r) => setTimeout(r, 200))
  }
  const elected = ok.map((r) => ({
    topic: r.topic,
    partition: r.partition,
    leader: leaders.get(`${r.topic}:${r.partition}`) ?? -1,
  }))
  const byId = (a: { topic: string; partition: number }, b: { topic: string; partition: number }) =>
    a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1
  return {
    status: failed.length > 0 ? 'partial' : 'elected',
    elected: elected.sort(byId),
    notNeeded: notNeeded.sort(byId),
    failed: failed.sort(byId),
  }
}
