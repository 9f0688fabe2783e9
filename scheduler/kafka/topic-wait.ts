/** Creating topics and waiting until every partition has a leader. */

import type { Admin, ITopicConfig } from 'kafkajs'

/** Kafka errors that only mean "metadata has not reached this broker yet" right after a create. */
const TRANSIENT = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE', 'NOT_LEADER_OR_FOLLOWER'])

function transient(e: unknown): boolean {
  const type = (e as { type?: string }).type
  return typeof type === 'string' && TRANSIENT.has(type)
}

/**
 * Creates topics and waits until every partition has a leader. kafkajs's own `waitForLeaders`
 * gives up on UNKNOWN_TOPIC_OR_PARTITION, which a KRaft broker answers until the new topic's
 * metadata has reached it (seen on a loaded machine); here such answers are retried until
 * `timeoutMs` (polled every 200 ms).
 * @returns true when Kafka created the topics (false when they all existed already)
 * @throws what createTopics throws (bad config, replicas > brokers, ...), or an Error naming the
 *   topics still without leaders at the deadline
 */
export async function createTopicsAndWait(admin: Admin, topics: ITopicConfig[], timeoutMs = 60_000): Promise<boolean> {
  const created = await admin.createTopics({ topics, waitForLeaders: false, timeout: timeoutMs })
  const names = topics.map((t) => t.topic)
  const deadline = Date.now() + timeoutMs
  let last = 'no metadata yet'
  while (Date.now() < deadline) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: names })
      const waiting = meta.topics.flatMap((t) =>
        t.partitions.filter((p) => p.leader < 0).map((p) => `${t.name}-${p.partitionId}`),
      )
      if (meta.topics.length === names.length && waiting.length === 0) return created
      last = waiting.length > 0 ? `no leader yet for ${waiting.join(', ')}` : 'metadata incomplete'
    } catch (e) {
      if (!transient(e)) throw e
      last = (e as Error).message
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`topics ${names.join(', ')} have no leaders after ${timeoutMs} ms (${last})`)
}
