/** Client quotas of client ids and users (KIP-546): list and set. */

/**
 * Client quotas for client ids and users, through Kafka's client-quota API (KIP-546; our wire
 * client, since kafkajs lacks it). mesos/kafka wrote them to ZooKeeper (`src/scala/main/ly/stealth/mesos/kafka/scheduler/Quotas.scala`,
 * `scheduler/http/api/QuotaApi.scala`); Kafka 4 keeps them in the KRaft metadata log.
 *
 * Names follow Kafka's `kafka-configs.sh`: entity types `clients` (Kafka's `client-id`) and `users`
 * (`user`); `<default>` is the type's default entity (quota for every client id / user without its
 * own). Keys: `producer_byte_rate` and `consumer_byte_rate` (bytes/s per broker),
 * `request_percentage` (% of one request-handler and network thread per broker) — Kafka docs,
 * "Quotas".
 */

import { alterClientQuotas, describeClientQuotas, type QuotaEntry, type QuotaFilter } from './wire/index.js'

export const QUOTA_ENTITY_TYPES = ['clients', 'users'] as const
export type QuotaEntityType = (typeof QUOTA_ENTITY_TYPES)[number]

/** Our entity type → Kafka's (ClientQuotaEntity.CLIENT_ID / USER). */
export const KAFKA_ENTITY_TYPE: Readonly<Record<QuotaEntityType, string>> = { clients: 'client-id', users: 'user' }

/** The quota keys this API sets, with the REST param each comes from. */
export const QUOTA_KEYS = {
  producerByteRate: 'producer_byte_rate',
  consumerByteRate: 'consumer_byte_rate',
  requestPercentage: 'request_percentage',
} as const
export type QuotaKey = (typeof QUOTA_KEYS)[keyof typeof QUOTA_KEYS]

/** The name `kafka-configs.sh` gives a type's default entity. */
export const DEFAULT_ENTITY = '<default>'

/** `{"<entity>":{"producer_byte_rate":N,...}}`, mesos/kafka's `quota/list` shape (`QuotaApi.scala`); keys that are not set are absent. */
export type QuotaMap = Record<string, Record<string, number>>

function filter(type: QuotaEntityType, entity?: string): QuotaFilter {
  const kafkaType = KAFKA_ENTITY_TYPE[type]
  if (entity === undefined) return { type: kafkaType, match: { kind: 'any' } }
  if (entity === DEFAULT_ENTITY) return { type: kafkaType, match: { kind: 'default' } }
  return { type: kafkaType, match: { kind: 'exact', name: entity } }
}

function toMap(entries: QuotaEntry[], type: QuotaEntityType): QuotaMap {
  const out: QuotaMap = {}
  for (const e of entries) {
    // strict matching leaves out combined (user + client-id) entities; a lone part of our type remains
    if (e.entity.length !== 1 || e.entity[0].type !== KAFKA_ENTITY_TYPE[type]) continue
    out[e.entity[0].name ?? DEFAULT_ENTITY] = e.values
  }
  return out
}

/**
 * The quotas of every entity of `type` (or of one `entity`, `<default>` included), entities that
 * have none left out. The default entity also appears when listing all.
 * @throws KafkaWireError when Kafka refuses; Error when no broker answers
 */
export async function listQuotas(
  endpoints: readonly string[],
  type: QuotaEntityType,
  entity?: string,
): Promise<QuotaMap> {
  if (entity !== undefined) return toMap(await describeClientQuotas(endpoints, [filter(type, entity)], true), type)
  const [named, dflt] = await Promise.all([
    describeClientQuotas(endpoints, [filter(type)], true),
    describeClientQuotas(endpoints, [filter(type, DEFAULT_ENTITY)], true),
  ])
  return toMap([...dflt, ...named], type)
}

/**
 * Sets (number) and removes (null) quota values of one entity; other keys stay as they are
 * (mesos/kafka merged too). Then reads the entity back from Kafka until the change shows (brokers
 * apply the controller's metadata a moment after it commits), at most `settleMs`.
 * @returns the entity's quotas after the change, `{"<entity>":{...}}` (`{}` when none is left)
 * @throws KafkaWireError when Kafka refuses a key or value (its message says which); Error when no broker answers
 */
export async function setQuotas(
  endpoints: readonly string[],
  type: QuotaEntityType,
  entity: string,
  changes: Partial<Record<QuotaKey, number | null>>,
  settleMs = 5_000,
): Promise<QuotaMap> {
  const ops = Object.entries(changes).map(([key, value]) => ({ key, value: value ?? null }))
  await alterClientQuotas(endpoints, [
    { entity: [{ type: KAFKA_ENTITY_TYPE[type], name: entity === DEFAULT_ENTITY ? null : entity }], ops },
  ])
  const deadline = Date.now() + settleMs
  for (;;) {
    const now = await listQuotas(endpoints, type, entity)
    const values = now[entity] ?? {}
    const applied = ops.every((o) => (o.value === null ? !(o.key in values) : values[o.key] === o.value))
    if (applied || Date.now() >= deadline) return Object.keys(values).length > 0 ? { [entity]: values } : {}
    await new Promise((r) => setTimeout(r, 100))
  }
}
