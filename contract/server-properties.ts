/** The server.properties of one KRaft node (broker, controller or combined), rendered from its task data. */

import { heapDerivedOptions } from './heap-settings.js'
import { formatProperties, type Properties, parseProperties } from './java-properties.js'
import type { KafkaTaskData } from './task-data.js'

/**
 * Layering, lowest first:
 * 1. the distribution's `config/server.properties` (Kafka 4.x sample defaults),
 * 2. the KRaft settings kafka-mesos owns (Kafka docs, `docs/operations/kraft.md`, "Configuration": what
 *    each role needs; the 4.x samples `config/controller.properties` and `config/broker.properties`),
 * 3. the settings derived from the heap that the user did not set (heap-settings.ts: the log
 *    cleaner's dedupe buffer),
 * 4. the user's `options`, with `$id` replaced by the node id.
 * See docs/contract.md.
 */

/** Replaces every `$id` in a user option value with the node id (mesos/kafka's substitution). */
export function substituteId(value: string, nodeId: number): string {
  return value.split('$id').join(String(nodeId))
}

/** Keys that only make sense on a broker; dropped from the defaults of a controller-only node. */
const BROKER_ONLY_KEYS = ['inter.broker.listener.name', 'broker.rack']

/** Keys that would switch the node to a static quorum; dropped unless the user sets them (KIP-853: the dynamic quorum needs it unset). */
const STATIC_QUORUM_KEYS = ['controller.quorum.voters']

/** Inputs to {@link renderServerProperties}. */
export interface RenderOptions {
  /** Text of the distribution's `config/server.properties`; '' when it has none. */
  defaults: string
  /** Comma list of data directories for `log.dirs` (the executor's per-node folder); a user `log.dirs` option wins. */
  logDirs: string
  /**
   * Address the broker listens on when it differs from `data.host` (a resolved bind address,
   * bind-address.ts); a wildcard (`0.0.0.0`, `::`) listens everywhere and `data.host` is advertised.
   */
  listenHost?: string
}

/**
 * Computes the effective properties of one node: defaults, then the KRaft settings, then the user
 * options (with `$id` substituted). Pure; see the module doc for the layering.
 *
 * Broker (`config/broker.properties`): `process.roles=broker`, `listeners`/`advertised.listeners`
 * `PLAINTEXT://host:port` (`listeners` on `listenHost` when given), `inter.broker.listener.name=PLAINTEXT`.
 * Controller (`config/controller.properties`): `process.roles=controller`, `listeners`/`advertised.listeners` `CONTROLLER://host:port`.
 * Combined (`config/server.properties`): `process.roles=broker,controller`, both listeners (`PLAINTEXT://host:port,CONTROLLER://host:controllerPort`).
 * Both: `node.id`, `controller.quorum.bootstrap.servers`, `controller.listener.names=CONTROLLER`,
 * `listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT`, `log.dirs`,
 * `group.initial.rebalance.delay.ms=0` (the 3000 ms default of
 * `GroupCoordinatorConfig.java` delays the first consumer join),
 * internal-topic replication factors from `internalTopicRf` with min.isr 1 (as the
 * 4.x samples; a factor may not exceed the live brokers), and `log.cleaner.dedupe.buffer.size` from
 * the heap unless the user sets it (heap-settings.ts).
 */
export function serverProperties(data: KafkaTaskData, opts: RenderOptions): Properties {
  const p = parseProperties(opts.defaults)
  for (const k of STATIC_QUORUM_KEYS) p.delete(k)
  const set = (k: string, v: string) => p.set(k, v)

  set('process.roles', data.role)
  set('node.id', String(data.nodeId))
  set('controller.quorum.bootstrap.servers', data.quorum)
  set('controller.listener.names', 'CONTROLLER')
  set('listener.security.protocol.map', 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT')
  if (data.role === 'broker') {
    const ep = `PLAINTEXT://${hostForUrl(data.host)}:${data.port}`
    set('listeners', opts.listenHost ? `PLAINTEXT://${hostForUrl(opts.listenHost)}:${data.port}` : ep)
    set('advertised.listeners', ep)
    set('inter.broker.listener.name', 'PLAINTEXT')
    if (data.rack) set('broker.rack', data.rack)
  } else if (data.role === 'broker,controller') {
    // combined: the union of both; the controller listener is advertised too (KIP-853 voters' endpoints)
    const eps = `PLAINTEXT://${hostForUrl(data.host)}:${data.port},CONTROLLER://${hostForUrl(data.host)}:${data.controllerPort ?? data.port + 1}`
    set('listeners', eps)
    set('advertised.listeners', eps)
    set('inter.broker.listener.name', 'PLAINTEXT')
    if (data.rack) set('broker.rack', data.rack)
  } else {
    for (const k of BROKER_ONLY_KEYS) p.delete(k)
    const ep = `CONTROLLER://${hostForUrl(data.host)}:${data.port}`
    set('listeners', ep)
    set('advertised.listeners', ep)
  }
  set('log.dirs', opts.logDirs)
  set('group.initial.rebalance.delay.ms', '0')
  if (data.internalTopicRf !== undefined) {
    const rf = String(data.internalTopicRf)
    set('offsets.topic.replication.factor', rf)
    set('transaction.state.log.replication.factor', rf)
    set('share.coordinator.state.topic.replication.factor', rf)
  }
  set('transaction.state.log.min.isr', '1')
  set('share.coordinator.state.topic.min.isr', '1')
  for (const [k, v] of Object.entries(heapDerivedOptions(data))) set(k, v)

  for (const [k, v] of Object.entries(data.options)) set(k, substituteId(v, data.nodeId))
  return p
}

/**
 * Renders the `server.properties` text of one node; see {@link serverProperties} for the rules.
 * @returns the file text, with a header naming the node
 */
export function renderServerProperties(data: KafkaTaskData, opts: RenderOptions): string {
  return formatProperties(
    serverProperties(data, opts),
    `Generated by kafka-mesos for ${data.role} ${data.nodeId}; edits are overwritten at the next start.`,
  )
}

/** The data directories a node will use: the user's `log.dirs` option (with `$id`), else `fallback`. Split on commas. */
export function effectiveLogDirs(data: KafkaTaskData, fallback: string): string[] {
  const user = data.options['log.dirs']
  const value = user !== undefined ? substituteId(user, data.nodeId) : fallback
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

/** IPv6 literals go in brackets inside listener URLs. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}
