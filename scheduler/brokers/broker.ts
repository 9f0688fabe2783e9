/** A node's lifecycle rules (defaults, failover back-off, stickiness, displayed state) and its REST JSON. */

import {
  type Failover,
  formatMap,
  formatPeriod,
  formatRange,
  type KafkaNode,
  type NodeJson,
  type NodeRole,
} from '../../contract/index.js'

/** True for nodes that are (or may become) KRaft voters: controllers and combined nodes. */
export function hasControllerRole(node: Pick<KafkaNode, 'role'>): boolean {
  return node.role !== 'broker'
}

/** True for nodes that serve clients: brokers and combined nodes. */
export function hasBrokerRole(node: Pick<KafkaNode, 'role'>): boolean {
  return node.role !== 'controller'
}

/** mesos/kafka's `Broker` defaults (`Broker.scala`); periods in ms. */
export const NODE_DEFAULTS = {
  cpus: 1,
  mem: 2048,
  heap: 1024,
  stickinessPeriodMs: 10 * 60_000,
  failoverDelayMs: 60_000,
  failoverMaxDelayMs: 10 * 60_000,
  javaCmd: 'java',
} as const

/** A new, inactive node with mesos/kafka's defaults. */
export function newNode(id: number, role: NodeRole = 'broker'): KafkaNode {
  return {
    id,
    role,
    active: false,
    cpus: NODE_DEFAULTS.cpus,
    mem: NODE_DEFAULTS.mem,
    heap: NODE_DEFAULTS.heap,
    options: {},
    jvmOptions: '',
    javaCmd: NODE_DEFAULTS.javaCmd,
    stickiness: { periodMs: NODE_DEFAULTS.stickinessPeriodMs },
    failover: { delayMs: NODE_DEFAULTS.failoverDelayMs, maxDelayMs: NODE_DEFAULTS.failoverMaxDelayMs, failures: 0 },
    needsRestart: false,
  }
}

/**
 * Delay before the next start after `failures` failures: `min(delay × 2^(failures−1), maxDelay)`,
 * exponent capped at 30 (mesos/kafka `Broker.Failover.currentDelay`). 0 when there were no failures.
 */
export function failoverDelayMs(f: Failover): number {
  if (f.failures <= 0) return 0
  return Math.min(f.delayMs * 2 ** Math.min(f.failures - 1, 30), f.maxDelayMs)
}

/** Epoch ms until which a failed node waits before it may start again; undefined when not waiting. */
export function failoverUntil(node: KafkaNode): number | undefined {
  if (node.failover.failures === 0 || node.failover.failureTime === undefined) return undefined
  return node.failover.failureTime + failoverDelayMs(node.failover)
}

/** Epoch ms until which the node sticks to its last host; undefined when any host will do. */
export function stickyUntil(node: KafkaNode): number | undefined {
  const s = node.stickiness
  if (!s.hostname || s.stopTime === undefined) return undefined
  return s.stopTime + s.periodMs
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0')
/** mesos/kafka date format `yyyy-MM-dd HH:mm:ss.SSS` (UTC). */
export function formatDate(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
}

/**
 * The state shown to users (mesos/kafka `Broker.state()`): the task state when a task exists (and is not
 * `starting`), `failed N[/max] <time>, next start <time>` while waiting out a failover delay,
 * `starting N+1[/max], failed <time>` after failures, `starting`, or `stopped`.
 */
export function displayState(node: KafkaNode, now = Date.now()): string {
  if (node.task && node.task.state !== 'starting') return node.task.state
  if (!node.active) return 'stopped'
  const f = node.failover
  const max = f.maxTries !== undefined ? `/${f.maxTries}` : ''
  if (f.failures > 0 && f.failureTime !== undefined) {
    const until = failoverUntil(node)!
    if (!node.task && until > now)
      return `failed ${f.failures}${max} ${formatDate(f.failureTime)}, next start ${formatDate(until)}`
    return `starting ${f.failures + 1}${max}, failed ${formatDate(f.failureTime)}`
  }
  return 'starting'
}

/**
 * What changed since the node's task was launched: options applied live and what needs a restart
 * (see NodeJson.changes); undefined without a task or without changes.
 */
export function pendingChanges(node: KafkaNode): NodeJson['changes'] {
  if (!node.task) return undefined
  const live = { ...(node.dynamicConfigs ?? {}) }
  const launched = node.launchedOptions
  const restart = [...(node.restartFields ?? [])]
  if (launched) {
    const keys = [...new Set([...Object.keys(launched), ...Object.keys(live), ...Object.keys(node.options)])].sort()
    for (const k of keys) {
      const running = Object.hasOwn(live, k) ? live[k] : launched[k]
      if (running !== node.options[k] && !restart.includes(k)) restart.push(k)
    }
  } else if (node.needsRestart && restart.length === 0) restart.push('settings')
  if (Object.keys(live).length === 0 && restart.length === 0) return undefined
  return { live, restart }
}

/** The last decline of an offer for a node: reason, offer host, epoch ms. */
export interface LastDecline {
  reason: string
  hostname: string
  time: number
}

/**
 * Serializes a node as mesos/kafka's broker JSON (contract/node-json.ts), plus `waiting` (from `lastDecline`) while
 * the node is active and has no task: why it is not running yet.
 */
export function nodeJson(node: KafkaNode, now = Date.now(), lastDecline?: LastDecline): NodeJson {
  return {
    id: String(node.id),
    role: node.role !== 'broker' ? node.role : undefined,
    active: node.active,
    cpus: node.cpus,
    mem: node.mem,
    heap: node.heap,
    port: node.port ? formatRange(node.port) : undefined,
    options: Object.keys(node.options).length > 0 ? formatMap(node.options) : undefined,
    bindAddress: node.bindAddress,
    syslog: node.syslog ? true : undefined,
    volume: node.volume,
    log4jOptions:
      node.log4jOptions && Object.keys(node.log4jOptions).length > 0 ? formatMap(node.log4jOptions) : undefined,
    constraints: node.constraints || undefined,
    jvmOptions: node.jvmOptions || undefined,
    javaCmd: node.javaCmd !== NODE_DEFAULTS.javaCmd ? node.javaCmd : undefined,
    needsRestart: node.needsRestart,
    changes: pendingChanges(node),
    stickiness: {
      period: formatPeriod(node.stickiness.periodMs),
      hostname: node.stickiness.hostname,
      stopTime: node.stickiness.stopTime !== undefined ? formatDate(node.stickiness.stopTime) : undefined,
    },
    failover: {
      delay: formatPeriod(node.failover.delayMs),
      maxDelay: formatPeriod(node.failover.maxDelayMs),
      maxTries: node.failover.maxTries,
      failures: node.failover.failures,
      failureTime: node.failover.failureTime !== undefined ? formatDate(node.failover.failureTime) : undefined,
      reason: node.failover.failures > 0 ? node.failover.reason : undefined,
    },
    task: node.task ? { ...node.task } : undefined,
    state: displayState(node, now),
    waiting:
      lastDecline && node.active && !node.task
        ? { reason: lastDecline.reason, hostname: lastDecline.hostname, time: formatDate(lastDecline.time) }
        : undefined,
  }
}
