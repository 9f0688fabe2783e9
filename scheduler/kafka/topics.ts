/** Topic operations through the Admin API: list, describe, add, update, delete, partition list. */

/**
 * Topic operations through Kafka's Admin API (kafkajs 2.2.4), with mesos/kafka's behaviour and
 * shapes (mesos/kafka `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/TopicApi.scala`, `PartitionApi.scala` and
 * `scheduler/Topics.scala`). mesos/kafka wrote ZooKeeper; Kafka 4 has
 * none, so every change is an Admin request and Kafka itself validates names, configs and
 * assignments.
 */

import type { Admin, ConfigResourceTypes, PartitionMetadata } from 'kafkajs'
import { type Assignment, assignReplicas } from './assignment.js'
import { isClientError, KafkaRequestError, kafkaErrorTypes, kafkaReason } from './kafka-errors.js'
import { expandTopics } from './topic-expr.js'
import { createTopicsAndWait } from './topic-wait.js'

/** mesos/kafka's Topic JSON (`scheduler/Topics.scala`): `{"name":"t","partitions":{"0":[0,1]},"options":{"flush.ms":"1000"}}`. */
export interface TopicJson {
  name: string
  /** partition id → replica broker ids, preferred leader first */
  partitions: Record<string, number[]>
  /** the topic's config overrides (not broker defaults) */
  options: Record<string, string>
}

/** One row of `/api/partition/list` (`PartitionApi.scala`); `leader` -1 when the partition has none. */
export interface PartitionJson {
  id: number
  replicas: number[]
  isr: number[]
  leader: number
  /** the preferred leader: the first replica */
  expectedLeader: number
}

/**
 * Kafka's ConfigResource type TOPIC (kafkajs `ConfigResourceTypes.TOPIC`, which Node's ESM loader
 * can't import by name from the CommonJS kafkajs).
 */
const TOPIC = 2 as ConfigResourceTypes

/** Kafka's DescribeConfigs `config_source` for a topic override (DescribeConfigsResponse.ConfigSource.TOPIC_CONFIG). */
const TOPIC_CONFIG_SOURCE = 1

/** The names of the existing topics (internal ones included). */
export async function existingTopics(admin: Admin): Promise<string[]> {
  return (await admin.listTopics()).sort()
}

/**
 * Expands `expr` (topic-expr.ts) against the existing topics.
 * @param onlyExisting drop names that don't exist (list, partitions) instead of passing them through
 */
export async function resolveTopics(
  admin: Admin,
  expr: string,
  onlyExisting: boolean,
): Promise<{ names: string[]; existing: Set<string> }> {
  const existing = new Set(await existingTopics(admin))
  const names = expandTopics(expr, [...existing])
  return { names: onlyExisting ? names.filter((n) => existing.has(n)) : names, existing }
}

/** Current replica assignments of existing topics, from metadata. */
export async function topicMetadata(admin: Admin, names: string[]): Promise<Map<string, PartitionMetadata[]>> {
  if (names.length === 0) return new Map()
  const { topics } = await admin.fetchTopicMetadata({ topics: names })
  return new Map(topics.map((t) => [t.name, [...t.partitions].sort((a, b) => a.partitionId - b.partitionId)]))
}

/** The assignment (partition → replicas) of each topic. */
export async function assignments(admin: Admin, names: string[]): Promise<Map<string, Assignment>> {
  const meta = await topicMetadata(admin, names)
  return new Map(
    [...meta].map(([name, parts]) => [name, Object.fromEntries(parts.map((p) => [p.partitionId, p.replicas]))]),
  )
}

/** Config overrides per topic (DescribeConfigs, TOPIC_CONFIG source only). */
async function overrides(admin: Admin, names: string[]): Promise<Map<string, Record<string, string>>> {
  if (names.length === 0) return new Map()
  const res = await admin.describeConfigs({
    includeSynonyms: false,
    resources: names.map((name) => ({ type: TOPIC, name })),
  })
  const out = new Map<string, Record<string, string>>()
  for (const r of res.resources) {
    const opts: Record<string, string> = {}
    for (const e of r.configEntries) {
      const override = e.configSource === undefined ? !e.isDefault : e.configSource === TOPIC_CONFIG_SOURCE
      if (override && !e.isSensitive) opts[e.configName] = e.configValue
    }
    out.set(r.resourceName, opts)
  }
  return out
}

/** Topic JSON of existing topics, in name order. */
export async function describeTopics(admin: Admin, names: string[]): Promise<TopicJson[]> {
  const [meta, opts] = await Promise.all([topicMetadata(admin, names), overrides(admin, names)])
  return names
    .filter((n) => meta.has(n))
    .map((name) => ({
      name,
      partitions: Object.fromEntries(meta.get(name)!.map((p) => [String(p.partitionId), p.replicas])),
      options: opts.get(name) ?? {},
    }))
}

/** `/api/partition/list` (`PartitionApi.scala`): `{"<topic>":[{id,replicas,isr,leader,expectedLeader}]}`. */
export async function partitionList(admin: Admin, names: string[]): Promise<Record<string, PartitionJson[]>> {
  const meta = await topicMetadata(admin, names)
  const out: Record<string, PartitionJson[]> = {}
  for (const name of names) {
    const parts = meta.get(name)
    if (!parts) continue
    out[name] = parts.map((p) => ({
      id: p.partitionId,
      replicas: p.replicas,
      isr: p.isr,
      leader: p.leader ?? -1,
      expectedLeader: p.replicas[0] ?? -1,
    }))
  }
  return out
}

/** Inputs of {@link addTopics} (`topic/add` of `TopicApi.scala`). */
export interface AddTopicsRequest {
  names: string[]
  /** broker ids in placement order (rack-interleaved) */
  brokers: number[]
  partitions: number
  replicas: number
  fixedStartIndex: number
  startPartitionId: number
  options: Record<string, string>
}

/**
 * Creates topics with an explicit replica assignment computed by Kafka's algorithm (assignment.ts) and the
 * given config. Kafka validates the config; when it refuses, each option is re-checked alone with
 * `validateOnly` so the answer names the option(s) at fault.
 * @throws KafkaRequestError `Topic t already exists`, or Kafka's refusal; AssignmentError for replicas > brokers
 */
export async function addTopics(
  admin: Admin,
  req: AddTopicsRequest,
  existing: Set<string>,
): Promise<Map<string, Assignment>> {
  const taken = req.names.filter((n) => existing.has(n))
  if (taken.length > 0)
    throw new KafkaRequestError(`Topic ${taken.join(',')} already exist${taken.length > 1 ? '' : 's'}`, 'KM_ERR_EXISTS')
  const planned = new Map(
    req.names.map((name) => [
      name,
      assignReplicas({
        brokers: req.brokers,
        partitions: req.partitions,
        replicas: req.replicas,
        fixedStartIndex: req.fixedStartIndex,
        startPartitionId: req.startPartitionId,
      }),
    ]),
  )
  const configEntries = Object.entries(req.options).map(([name, value]) => ({ name, value }))
  const topics = [...planned].map(([topic, a]) => ({
    topic,
    replicaAssignment: Object.entries(a).map(([partition, replicas]) => ({ partition: Number(partition), replicas })),
    configEntries,
  }))
  try {
    await createTopicsAndWait(admin, topics, 30_000)
  } catch (e) {
    if (kafkaErrorTypes(e).includes('INVALID_CONFIG') && configEntries.length > 0)
      throw await explainConfig(admin, req.names[0], req.options, e)
    throw refusal(e, 'Kafka refused to create the topic')
  }
  return planned
}

/**
 * Finds which options Kafka rejects by validating a topic with each one alone (validateOnly: nothing
 * is created). Returns the error to throw.
 */
async function explainConfig(
  admin: Admin,
  topic: string,
  options: Record<string, string>,
  original: unknown,
): Promise<KafkaRequestError> {
  const bad: string[] = []
  for (const [name, value] of Object.entries(options)) {
    try {
      await admin.createTopics({
        validateOnly: true,
        topics: [{ topic, numPartitions: 1, replicationFactor: 1, configEntries: [{ name, value }] }],
      })
    } catch (e) {
      if (kafkaErrorTypes(e).includes('INVALID_CONFIG')) bad.push(`${name}=${value}`)
    }
  }
  const which = bad.length > 0 ? `Kafka rejects ${bad.join(', ')}` : 'Kafka rejects the combination'
  return new KafkaRequestError(`options: ${which} (${kafkaReason(original)})`, 'KM_ERR_INVALID_CONFIG')
}

/**
 * Replaces each topic's config overrides with `options` (AlterConfigs, non-incremental: keys left out
 * return to the default), as mesos/kafka's `Topics.changeTopicConfig`.
 * @throws KafkaRequestError `Topic t not found`, or Kafka's refusal naming the bad option(s)
 */
export async function updateTopics(
  admin: Admin,
  names: string[],
  options: Record<string, string>,
  existing: Set<string>,
): Promise<void> {
  const missing = names.filter((n) => !existing.has(n))
  if (missing.length > 0) throw new KafkaRequestError(`Topic ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
  const resources = (entries: Record<string, string>) =>
    names.map((name) => ({
      type: TOPIC,
      name,
      configEntries: Object.entries(entries).map(([n, value]) => ({ name: n, value })),
    }))
  try {
    await admin.alterConfigs({ validateOnly: false, resources: resources(options) })
  } catch (e) {
    if (!kafkaErrorTypes(e).includes('INVALID_CONFIG') || Object.keys(options).length === 0)
      throw refusal(e, 'Kafka refused the config')
    const bad: string[] = []
    for (const [name, value] of Object.entries(options)) {
      try {
        await admin.alterConfigs({ validateOnly: true, resources: resources({ [name]: value }).slice(0, 1) })
      } catch {
        bad.push(`${name}=${value}`)
      }
    }
    throw new KafkaRequestError(
      `options: ${bad.length > 0 ? `Kafka rejects ${bad.join(', ')}` : 'Kafka rejects the combination'} (${kafkaReason(e)})`,
      'KM_ERR_INVALID_CONFIG',
    )
  }
}

/**
 * Deletes topics (DeleteTopics).
 * @throws KafkaRequestError `topic(s) not found a,b` (mesos/kafka's `TopicApi.scala`) when any name does not exist
 */
export async function deleteTopics(admin: Admin, names: string[], existing: Set<string>): Promise<void> {
  const missing = names.filter((n) => !existing.has(n))
  if (missing.length > 0) throw new KafkaRequestError(`topic(s) not found ${missing.join(',')}`, 'KM_ERR_NOT_FOUND')
  if (names.length === 0) return
  try {
    await admin.deleteTopics({ topics: names, timeout: 30_000 })
  } catch (e) {
    throw refusal(e, 'Kafka refused to delete')
  }
}

/** Kafka's refusal of bad input as a KafkaRequestError (400); anything else is re-thrown as is. */
export function refusal(e: unknown, what: string): unknown {
  if (isClientError(e)) return new KafkaRequestError(`${what}: ${kafkaReason(e)}`)
  return e
}
