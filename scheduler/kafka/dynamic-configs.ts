/** Which broker options Kafka changes on a running broker, and the live-or-restart plan of an options update. */

/**
 * Which broker `options` Kafka can change on a running broker, and how an `options` update of a
 * running broker is carried out: live through the Admin API, or with a restart.
 *
 * Source of the allow-list: Kafka 4.4.0's own table of dynamic broker configs,
 * `org.apache.kafka.server.config.DynamicBrokerConfig.dynamicConfigUpdateModes()` in
 * `kafka-server-4.4.0.jar` (the "Dynamic Update Mode" column of Kafka's broker config docs;
 * `scripts/kafka/dynamic-configs.jsh` prints it). Every config Kafka marks `cluster-wide` can also be
 * set per broker (Kafka docs, "Updating Broker Configs": "May also be updated as a per-broker
 * value"), and kafka-mesos sets them per broker (BROKER resource named by the node id). Left out,
 * so they go with a restart: the `per-broker` listener and security configs (`listeners`,
 * `listener.security.protocol.map`, `ssl.*`, `sasl.*`, `principal.builder.class`,
 * `listener.name.*`), because kafka-mesos renders the listeners itself. Not dynamic in Kafka at all
 * (a restart): e.g. `log.retention.hours` (use `log.retention.ms`), `num.partitions`,
 * `default.replication.factor`, `log.dirs`, `auto.create.topics.enable`.
 */

/** Kafka 4.4.0 broker configs that kafka-mesos applies to a running broker without a restart (see the module doc). */
export const DYNAMIC_BROKER_CONFIGS: ReadonlySet<string> = new Set([
  // cluster-wide (settable per broker)
  'background.threads',
  'compression.gzip.level',
  'compression.lz4.level',
  'compression.type',
  'compression.zstd.level',
  'config.providers',
  'errors.deadletterqueue.auto.create.topics.enable',
  'errors.deadletterqueue.topic.name.prefix',
  'follower.fetch.last.tiered.offset.enable',
  'follower.replication.throttled.rate',
  'group.consumer.assignment.interval.ms',
  'group.consumer.assignor.offload.enable',
  'group.coordinator.cached.buffer.max.bytes',
  'group.share.assignment.interval.ms',
  'group.share.assignor.offload.enable',
  'group.streams.assignment.interval.ms',
  'group.streams.assignor.offload.enable',
  'leader.replication.throttled.rate',
  'log.cleaner.backoff.ms',
  'log.cleaner.dedupe.buffer.size',
  'log.cleaner.delete.retention.ms',
  'log.cleaner.io.buffer.load.factor',
  'log.cleaner.io.buffer.size',
  'log.cleaner.io.max.bytes.per.second',
  'log.cleaner.max.compaction.lag.ms',
  'log.cleaner.min.cleanable.ratio',
  'log.cleaner.min.compaction.lag.ms',
  'log.cleaner.threads',
  'log.cleanup.policy',
  'log.flush.interval.messages',
  'log.flush.interval.ms',
  'log.index.interval.bytes',
  'log.index.size.max.bytes',
  'log.local.retention.bytes',
  'log.local.retention.ms',
  'log.message.timestamp.after.max.ms',
  'log.message.timestamp.before.max.ms',
  'log.message.timestamp.type',
  'log.preallocate',
  'log.remote.copy.lag.bytes',
  'log.remote.copy.lag.ms',
  'log.retention.bytes',
  'log.retention.ms',
  'log.roll.jitter.ms',
  'log.roll.ms',
  'log.segment.bytes',
  'log.segment.delete.delay.ms',
  'max.connection.creation.rate',
  'max.connections',
  'max.connections.per.ip',
  'max.connections.per.ip.overrides',
  'max.decompressed.message.bytes',
  'message.max.bytes',
  'metric.reporters',
  'min.insync.replicas',
  'num.io.threads',
  'num.network.threads',
  'num.recovery.threads.per.data.dir',
  'num.replica.fetchers',
  'producer.id.expiration.ms',
  'remote.fetch.max.wait.ms',
  'remote.list.offsets.request.timeout.ms',
  'remote.log.index.file.cache.total.size.bytes',
  'remote.log.manager.copier.thread.pool.size',
  'remote.log.manager.copy.max.bytes.per.second',
  'remote.log.manager.expiration.thread.pool.size',
  'remote.log.manager.fetch.max.bytes.per.second',
  'remote.log.manager.follower.thread.pool.size',
  'remote.log.reader.threads',
  'replica.alter.log.dirs.io.max.bytes.per.second',
  'share.coordinator.cached.buffer.max.bytes',
  'transaction.partition.verification.enable',
  'unclean.leader.election.enable',
  // per-broker, not listener or security
  'cordoned.log.dirs',
])

/** True when Kafka 4.4.0 can change `key` on a running broker and kafka-mesos does so (see {@link DYNAMIC_BROKER_CONFIGS}). */
export function isDynamicBrokerConfig(key: string): boolean {
  return DYNAMIC_BROKER_CONFIGS.has(key)
}

/** What an `options` update of a running broker does, key by key (keys sorted). */
export interface OptionsPlan {
  /** dynamic keys to set in Kafka now (raw option values; `$id` not yet replaced) */
  set: Record<string, string>
  /** dynamic overrides to delete in Kafka now: keys removed from `options` that server.properties never had */
  remove: string[]
  /** keys whose new value only a restart brings: not dynamic, or removed while server.properties still has them */
  restart: string[]
}

/**
 * Plans an `options` update of a running broker.
 *
 * What runs now, as kafka-mesos knows it: for each key the dynamic override it set (`dynamic`) or
 * else the value in the task's `server.properties` (`launched`); a key in neither has Kafka's
 * default. For every key whose wanted value (`next`) differs from that:
 * - a key Kafka can't change at run time ({@link isDynamicBrokerConfig} false) → `restart`;
 * - a dynamic key given a value → `set`;
 * - a dynamic key removed: deleting kafka-mesos's override brings Kafka's default back when
 *   `server.properties` lacks the key → `remove`; when it has it, only a restart drops it → `restart`.
 * Pure.
 */
export function planOptionsChange(
  launched: Readonly<Record<string, string>>,
  dynamic: Readonly<Record<string, string>>,
  next: Readonly<Record<string, string>>,
): OptionsPlan {
  const plan: OptionsPlan = { set: {}, remove: [], restart: [] }
  const keys = [...new Set([...Object.keys(launched), ...Object.keys(dynamic), ...Object.keys(next)])].sort()
  for (const k of keys) {
    const want = next[k]
    const have = Object.hasOwn(dynamic, k) ? dynamic[k] : launched[k]
    if (want === have) continue
    if (!isDynamicBrokerConfig(k)) plan.restart.push(k)
    else if (want !== undefined) plan.set[k] = want
    else if (launched[k] === undefined) plan.remove.push(k)
    else plan.restart.push(k)
  }
  return plan
}

/** True when a plan changes nothing in Kafka. */
export function planIsEmpty(p: OptionsPlan): boolean {
  return Object.keys(p.set).length === 0 && p.remove.length === 0
}
