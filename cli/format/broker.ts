/** The human output of the broker commands: each broker's lines and the result lines of add, update, remove, start, stop and restart. */
// mesos/kafka's output (`printBroker` and the result lines in src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala).
// Every function returns text without a trailing newline; indentation is two spaces per level, as
// mesos/kafka's `printLine` (Cli.scala).

import { parsePeriod, ValueError } from '../../contract/index.js'
import type { BrokerJson, RemoveResponse, StartStopResponse } from '../client/index.js'

/** Options for {@link formatBroker}. */
export interface BrokerFormatOptions {
  /** Hide options, log4j-options and jvm-options (`broker list --quiet`). */
  quiet?: boolean
  /** Indent level of the broker's own lines (two spaces each). Default 0. */
  indent?: number
}

const pad = (n: number) => '  '.repeat(n)
const has = (s: string | null | undefined): s is string => s !== undefined && s !== null && s !== ''

/** mesos/kafka's default `javaCmd`; not printed. */
const DEFAULT_JAVA_CMD = 'exec java'

/** mesos/kafka date format `yyyy-MM-dd HH:mm:ss.SSS` (UTC). */
function formatDate(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '')
}

/** Parses `yyyy-MM-dd HH:mm:ss.SSS` (UTC) or ISO-8601; null when unreadable. */
function parseDate(s: string): Date | null {
  const iso = /^\d{4}-\d\d-\d\d \d\d:\d\d/.test(s) ? `${s.replace(' ', 'T')}Z` : s
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? null : d
}

/** The stickiness expiry `stopTime + period`, or the server's `expires` if it sent one. */
function stickinessExpires(st: NonNullable<BrokerJson['stickiness']>): string | null {
  if (has(st.expires)) return st.expires
  if (!has(st.stopTime)) return null
  const stop = parseDate(st.stopTime)
  if (!stop || !has(st.period)) return st.stopTime
  try {
    return formatDate(new Date(stop.getTime() + parsePeriod(st.period, 'stickiness.period')))
  } catch (e) {
    if (e instanceof ValueError) return st.stopTime
    throw e
  }
}

/**
 * The resources line value: `cpus:0.50, mem:768, heap:256, port:auto[, volume:x]`.
 * cpus has two decimals; a missing port prints `auto`.
 */
export function formatResources(b: BrokerJson): string {
  let s = `cpus:${(b.cpus ?? 0).toFixed(2)}, mem:${b.mem ?? '?'}, heap:${b.heap ?? '?'}, port:${has(b.port) ? b.port : 'auto'}`
  if (has(b.volume)) s += `, volume:${b.volume}`
  return s
}

/**
 * One broker as mesos/kafka prints it: id, active, state (+ ` (modified, needs restart)`), `last failure: <why>`
 * while failures are counted (our addition),
 * resources, `changes: applied live: k=v; need restart: k2,mem` (our addition), the optional lines that are set (bind-address, syslog, constraints, java-cmd,
 * options, log4j-options, jvm-options), failover, stickiness and the task block.
 */
export function formatBroker(b: BrokerJson, opts: BrokerFormatOptions = {}): string {
  const i = opts.indent ?? 0
  const lines: string[] = []
  const line = (s: string, extra = 0) => lines.push(pad(i + extra) + s)

  line(`id: ${b.id}`)
  if (has(b.role) && b.role !== 'broker') line(`role: ${b.role}`)
  line(`active: ${b.active ?? false}`)
  line(`state: ${b.state ?? (b.active ? 'starting' : 'stopped')}${b.needsRestart ? ' (modified, needs restart)' : ''}`)
  if (has(b.failover?.reason)) line(`last failure: ${b.failover.reason}`)
  if (b.waiting && !b.task) {
    const from = has(b.waiting.hostname)
      ? ` (offer from ${b.waiting.hostname}${has(b.waiting.time) ? ` at ${b.waiting.time}` : ''})`
      : ''
    line(`waiting: ${b.waiting.reason}${from}`)
  }
  const ch = b.changes
  if (ch) {
    const live = Object.entries(ch.live ?? {}).map(([k, v]) => `${k}=${v}`)
    const parts = [
      ...(live.length > 0 ? [`applied live: ${live.join(',')}`] : []),
      ...((ch.restart ?? []).length > 0 ? [`need restart: ${ch.restart.join(',')}`] : []),
    ]
    if (parts.length > 0) line(`changes: ${parts.join('; ')}`)
  }
  line(`resources: ${formatResources(b)}`)

  const jvmOptions = b.jvmOptions ?? b.executionOptions?.jvmOptions
  const javaCmd = b.javaCmd ?? b.executionOptions?.javaCmd
  if (has(b.bindAddress)) line(`bind-address: ${b.bindAddress}`)
  if (b.syslog) line('syslog: true')
  if (has(b.constraints)) line(`constraints: ${b.constraints}`)
  if (has(javaCmd) && javaCmd !== DEFAULT_JAVA_CMD) line(`java-cmd: ${javaCmd}`)
  if (!opts.quiet) {
    if (has(b.options)) line(`options: ${b.options}`)
    if (has(b.log4jOptions)) line(`log4j-options: ${b.log4jOptions}`)
    if (has(jvmOptions)) line(`jvm-options: ${jvmOptions}`)
  }

  const f = b.failover
  if (f) {
    let s = `failover: delay:${f.delay ?? '?'}, max-delay:${f.maxDelay ?? '?'}`
    if (f.maxTries !== undefined && f.maxTries !== null) s += `, max-tries:${f.maxTries}`
    line(s)
  }

  const st = b.stickiness
  if (st) {
    let s = `stickiness: period:${st.period ?? '?'}`
    if (has(st.hostname)) s += `, hostname:${st.hostname}`
    const expires = stickinessExpires(st)
    if (expires !== null) s += `, expires:${expires}`
    line(s)
  }

  const t = b.task
  if (t) {
    line('task:')
    line(`id: ${t.id}`, 1)
    line(`state: ${t.state}`, 1)
    if (has(t.endpoint))
      line(`endpoint: ${t.endpoint}${has(b.bindAddress) && has(t.hostname) ? ` (${t.hostname})` : ''}`, 1)
    const attrs = Object.entries(t.attributes ?? {})
    if (attrs.length > 0) line(`attributes: ${attrs.map(([k, v]) => `${k}=${v}`).join(',')}`, 1)
  }
  for (const l of formatReportedMetrics(b)) line(l.text, l.depth)
  return lines.join('\n')
}

/** Health figures of `broker list` and the metric each comes from (mesos/kafka's `metrics:` block, plus ours). */
const LIST_METRICS: ReadonlyArray<[string, string]> = [
  ['under-replicated-partitions', 'kafka.server,ReplicaManager,UnderReplicatedPartitions'],
  ['under-min-isr-partitions', 'kafka.server,ReplicaManager,UnderMinIsrPartitionCount'],
  ['offline-partitions-count', 'kafka.controller,KafkaController,OfflinePartitionsCount'],
  ['is-active-controller', 'kafka.controller,KafkaController,ActiveControllerCount'],
  ['messages-in-per-sec', 'kafka.server,BrokerTopicMetrics,MessagesInPerSec'],
]

/**
 * The `metrics:` block of a broker with a task: when they were collected (UTC) and the health
 * figures present; "waiting for broker to report metrics" while a running broker has not reported.
 */
export function formatReportedMetrics(b: BrokerJson): Array<{ text: string; depth: number }> {
  const m = b.metrics
  if (!m || !b.task) return []
  if (!m.timestamp)
    return b.task.state === 'running' ? [{ text: 'metrics: waiting for broker to report metrics', depth: 0 }] : []
  const out = [
    { text: 'metrics:', depth: 0 },
    { text: `collected: ${new Date(m.timestamp).toISOString().replace('T', ' ').replace('Z', '')}`, depth: 1 },
  ]
  for (const [label, key] of LIST_METRICS) {
    const v = m[key]
    if (v !== undefined) out.push({ text: `${label}: ${Number.isInteger(v) ? v : v.toFixed(3)}`, depth: 1 })
  }
  return out
}

/** Brokers, each indented one level and followed by a blank line, after a title line. */
function titled(title: string, brokers: readonly BrokerJson[], quiet = false): string {
  const parts = [title]
  for (const b of brokers) parts.push(`${formatBroker(b, { indent: 1, quiet })}\n`)
  return parts.join('\n')
}

const noun = (n: number) => (n > 1 ? 'brokers' : 'broker')

/** `broker list`: `brokers:` / `broker:` then each broker, or `no brokers`. */
export function formatList(brokers: readonly BrokerJson[], quiet = false): string {
  if (brokers.length === 0) return 'no brokers'
  return titled(`${noun(brokers.length)}:`, brokers, quiet)
}

/** `broker add|update|clone`: `brokers added:` / `broker updated:` / `brokers cloned:` then each broker. */
export function formatAddUpdate(op: 'added' | 'updated' | 'cloned', brokers: readonly BrokerJson[]): string {
  return titled(`${noun(brokers.length)} ${op}:`, brokers)
}

/** `broker remove`: `brokers 0,1 removed` / `broker 0 removed`. */
export function formatRemoved(res: RemoveResponse): string {
  return `${noun(res.ids.length)} ${res.ids.join(',')} removed`
}

/**
 * `broker start|stop`: `brokers started:` / `broker stopped:` / `brokers scheduled to start:`,
 * then each broker. A `timeout` status is not formatted here; see {@link startStopTimeoutMessage}.
 */
export function formatStartStop(cmd: 'start' | 'stop', res: StartStopResponse): string {
  const title =
    res.status === 'scheduled'
      ? `${noun(res.brokers.length)} scheduled to ${cmd}:`
      : `${noun(res.brokers.length)} ${res.status}:`
  return titled(title, res.brokers)
}

/** `broker restart`: `brokers restarted:` / `broker restarted:` then each broker. */
export function formatRestarted(res: StartStopResponse): string {
  return titled(`${noun(res.brokers.length)} restarted:`, res.brokers)
}

/** mesos/kafka's error for a start/stop timeout: `broker(s) start timeout`. */
export function startStopTimeoutMessage(cmd: 'start' | 'stop', res: StartStopResponse): string {
  return has(res.message) ? res.message : `${noun(res.brokers.length)} ${cmd} timeout`
}
