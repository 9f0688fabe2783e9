/** The replication throttle of partition moves (KIP-73): set and cleared through configs. */

/**
 * Replication throttle during partition moves, set and cleared through configs as Kafka's
 * `kafka-reassign-partitions.sh --throttle` does (Kafka docs "Limiting Bandwidth Usage during Data
 * Migration", KIP-73):
 *
 * - brokers involved: `leader.replication.throttled.rate` and `follower.replication.throttled.rate`
 *   (bytes/s);
 * - each moving topic: `leader.replication.throttled.replicas` = `partition:broker` of the current
 *   replicas (the sources) and `follower.replication.throttled.replicas` = `partition:broker` of the
 *   replicas being added (the destinations).
 *
 * kafkajs 2.2.4 has no IncrementalAlterConfigs, only AlterConfigs, which replaces a resource's whole
 * set of dynamic configs. So each write re-sends the resource's other dynamic configs as read just
 * before; a broker with a sensitive dynamic config (whose value Kafka never returns) is refused
 * rather than erased. A config change made by someone else between that read and the write is lost.
 */

import type { Admin, ConfigResourceTypes } from 'kafkajs'
import { KafkaRequestError } from './kafka-errors.js'

/** kafkajs ConfigResourceTypes (not importable by name from ESM). */
const TOPIC = 2 as ConfigResourceTypes
const BROKER = 4 as ConfigResourceTypes
/** DescribeConfigs config_source: TOPIC_CONFIG and DYNAMIC_BROKER_CONFIG (per-broker dynamic). */
const TOPIC_CONFIG = 1
const DYNAMIC_BROKER_CONFIG = 2

export const BROKER_RATE_KEYS = ['leader.replication.throttled.rate', 'follower.replication.throttled.rate'] as const
export const TOPIC_REPLICA_KEYS = [
  'leader.replication.throttled.replicas',
  'follower.replication.throttled.replicas',
] as const
const ALL_KEYS = new Set<string>([...BROKER_RATE_KEYS, ...TOPIC_REPLICA_KEYS])

/** One partition move, as planned by rebalance.ts. */
export interface ThrottledMove {
  topic: string
  partition: number
  from: number[]
  to: number[]
}

/** What was throttled, so it can be cleared. */
export interface Throttle {
  bytesPerSec: number
  brokers: number[]
  topics: string[]
}

/** The dynamic configs of one resource other than the throttle keys. @throws KafkaRequestError for a sensitive one */
async function otherDynamicConfigs(
  admin: Admin,
  type: ConfigResourceTypes,
  name: string,
): Promise<Array<{ name: string; value: string }>> {
  const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type, name }] })
  const source = type === TOPIC ? TOPIC_CONFIG : DYNAMIC_BROKER_CONFIG
  const out: Array<{ name: string; value: string }> = []
  for (const e of res.resources[0]?.configEntries ?? []) {
    if (e.configSource !== source || ALL_KEYS.has(e.configName)) continue
    if (e.isSensitive) {
      throw new KafkaRequestError(
        `throttle: ${type === TOPIC ? 'topic' : 'broker'} ${name} has the sensitive dynamic config ${e.configName}, which Kafka does not return and kafkajs's AlterConfigs would erase; move without --throttle`,
        'KM_ERR_THROTTLE',
      )
    }
    out.push({ name: e.configName, value: e.configValue })
  }
  return out
}

async function write(
  admin: Admin,
  type: ConfigResourceTypes,
  name: string,
  extra: Array<{ name: string; value: string }>,
): Promise<void> {
  const keep = await otherDynamicConfigs(admin, type, name)
  await admin.alterConfigs({ validateOnly: false, resources: [{ type, name, configEntries: [...keep, ...extra] }] })
}

/** `partition:broker` lists per topic for the leader (sources) and follower (destinations) throttles. */
export function throttledReplicas(
  moves: readonly ThrottledMove[],
): Map<string, { leader: string[]; follower: string[] }> {
  const out = new Map<string, { leader: string[]; follower: string[] }>()
  for (const m of moves) {
    let t = out.get(m.topic)
    if (!t) out.set(m.topic, (t = { leader: [], follower: [] }))
    for (const b of m.from) t.leader.push(`${m.partition}:${b}`)
    for (const b of m.to) if (!m.from.includes(b)) t.follower.push(`${m.partition}:${b}`)
  }
  return out
}

/**
 * Sets the throttle for `moves` at `bytesPerSec` on every broker involved and every moving topic.
 * @throws KafkaRequestError when a resource has sensitive dynamic configs; kafkajs errors
 */
export async function applyThrottle(
  admin: Admin,
  moves: readonly ThrottledMove[],
  bytesPerSec: number,
): Promise<Throttle> {
  const rate = String(Math.max(1, Math.round(bytesPerSec)))
  const brokers = [...new Set(moves.flatMap((m) => [...m.from, ...m.to]))].sort((a, b) => a - b)
  const replicas = throttledReplicas(moves)
  for (const b of brokers)
    await write(
      admin,
      BROKER,
      String(b),
      BROKER_RATE_KEYS.map((name) => ({ name, value: rate })),
    )
  for (const [topic, r] of replicas) {
    await write(admin, TOPIC, topic, [
      { name: TOPIC_REPLICA_KEYS[0], value: r.leader.join(',') },
      { name: TOPIC_REPLICA_KEYS[1], value: r.follower.join(',') },
    ])
  }
  return { bytesPerSec: Number(rate), brokers, topics: [...replicas.keys()] }
}

/** Removes the throttle configs again (the resources' other dynamic configs stay). */
export async function removeThrottle(admin: Admin, t: Throttle): Promise<void> {
  const existing = new Set(await admin.listTopics())
  for (const b of t.brokers) await write(admin, BROKER, String(b), [])
  for (const topic of t.topics) if (existing.has(topic)) await write(admin, TOPIC, topic, [])
}
