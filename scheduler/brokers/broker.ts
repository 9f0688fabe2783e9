import { formatMap, formatPeriod, formatRange, type Range } from './values.js'

/**
 * Task states of a node's task as the scheduler sees them (mesos/kafka §3.2), plus `unreachable`:
 * the master lost the task's agent (TASK_UNREACHABLE); the task may still run there.
 */
export type NodeTaskState = 'pending' | 'starting' | 'running' | 'stopping' | 'reconciling' | 'unreachable'

/** The task a node currently runs (mesos/kafka Broker.Task, §3.1). */
export interface NodeTask {
  id: string
  slaveId: string
  executorId: string
  hostname: string
  /** `host:port` the node listens on; known from launch (mesos/kafka #310), confirmed by TASK_RUNNING. */
  endpoint: string
  /** Offer text attributes captured at launch, e.g. `{rack: 'r1'}`. */
  attributes: Record<string, string>
  state: NodeTaskState
  /** epoch ms since when the task's agent is unreachable (TASK_UNREACHABLE); unset once it is heard from again */
  unreachableSince?: number
}

/** Stickiness (mesos/kafka §6): the node prefers its last host for `periodMs` after it stopped. */
export interface Stickiness {
  periodMs: number
  hostname?: string
  /** epoch ms of the stop (or of the first failure of a run of failures) */
  stopTime?: number
}

/** Failover back-off (mesos/kafka §6). Delays in ms. */
export interface Failover {
  delayMs: number
  maxDelayMs: number
  maxTries?: number
  failures: number
  /** epoch ms of the last failure */
  failureTime?: number
}

/**
 * Kafka `process.roles` of a node: a broker, a KRaft controller run by the scheduler, or a combined
 * `broker,controller` node (for tiny clusters: a broker the user added that is also a voter).
 */
export type NodeRole = 'broker' | 'controller' | 'broker,controller'

/** True for nodes that are (or may become) KRaft voters: controllers and combined nodes. */
export function hasControllerRole(node: Pick<KafkaNode, 'role'>): boolean {
  return node.role !== 'broker'
}

/** True for nodes that serve clients: brokers and combined nodes. */
export function hasBrokerRole(node: Pick<KafkaNode, 'role'>): boolean {
  return node.role !== 'controller'
}

/**
 * A Kafka node the scheduler manages: a broker the user added, or a KRaft controller the scheduler
 * runs itself. Fields and defaults as mesos/kafka's Broker (§3.1): cpus 1, mem 2048 MB, heap 1024 MB.
 */
export interface KafkaNode {
  id: number
  role: NodeRole
  /** Desired state: the scheduler keeps an active node running. */
  active: boolean
  cpus: number
  /** task memory, MB */
  mem: number
  /** Kafka JVM heap, MB */
  heap: number
  /** port range to take the port from; undefined = the lowest offered port */
  port?: Range
  options: Record<string, string>
  /**
   * Address Kafka listens on, resolved by the executor on the agent (mesos/kafka §3.1): a host name
   * or IP, `prefix*` (the agent's address or a local interface address starting with the prefix)
   * or `if:<nic>` (that interface's first IPv4 address). Undefined = the agent's address from the offer.
   */
  bindAddress?: string
  /** Also send Kafka's log to the local syslog (UDP localhost:514, facility USER), as mesos/kafka `--syslog`. */
  syslog?: boolean
  /**
   * Id of a pre-reserved persistent volume holding the broker's data (mesos/kafka `--volume`, §8.3;
   * `$id` = the broker id): only offers with a `disk` of that `disk.persistence.id` match, the task
   * takes that disk as offered, and `log.dirs` = `<sandbox>/<container_path>/kafka-logs`
   * (brokers/matching.ts). The operator reserves and creates the volume for the framework's role.
   */
  volume?: string
  /** log4j2 overrides `k=v` merged over the distribution's log4j2 config (executor/log4j.ts). */
  log4jOptions?: Record<string, string>
  constraints?: string
  jvmOptions: string
  javaCmd: string
  stickiness: Stickiness
  failover: Failover
  needsRestart: boolean
  /** Settings other than `options` changed while a task ran (REST param names, e.g. `mem`); cleared at launch and when the task ends. */
  restartFields?: string[]
  /** The `options` the current task was launched with (its server.properties); set at launch. */
  launchedOptions?: Record<string, string>
  /**
   * Per-broker dynamic configs kafka-mesos set in Kafka for this node id (raw option values),
   * i.e. option changes applied to the running broker without a restart (kafka/dynamic-configs.ts).
   */
  dynamicConfigs?: Record<string, string>
  /** Dynamic configs of an earlier task, deleted in Kafka once the new task runs (its server.properties has the values). */
  staleDynamicConfigs?: Record<string, string>
  task?: NodeTask
  /** id of the last task that ended; used to re-attach an orphaned running task (§3.5) */
  lastTaskId?: string
  /** KRaft controllers: the metadata log directory id (Kafka Uuid, base64url) given at format time */
  directoryId?: string
  /**
   * KRaft controllers added to a running quorum (KIP-853): `joining` while it runs as an observer and
   * catches up, before AddRaftVoter; `leaving` once RemoveRaftVoter is under way. Unset = a voter.
   */
  membership?: 'joining' | 'leaving'
  /** combined `broker,controller` nodes: the CONTROLLER listener's port, pinned once placed (the broker listener uses `port`) */
  controllerPort?: number
}

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
 * exponent capped at 30 (mesos/kafka §6). 0 when there were no failures.
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
 * The state shown to users (mesos/kafka §3.3): the task state when a task exists (and is not
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

/** The broker JSON of mesos/kafka's REST API (§2.6), plus `state`, the displayed state. */
export interface NodeJson {
  id: string
  active: boolean
  cpus: number
  mem: number
  heap: number
  port?: string
  options?: string
  bindAddress?: string
  syslog?: boolean
  volume?: string
  log4jOptions?: string
  constraints?: string
  jvmOptions?: string
  javaCmd?: string
  needsRestart: boolean
  /**
   * While a task exists and something changed since its launch: `live` the options applied to the
   * running broker without a restart (`{key: value}`), `restart` what only a restart applies
   * (option keys and setting names such as `mem`).
   */
  changes?: { live: Record<string, string>; restart: string[] }
  stickiness: { period: string; hostname?: string; stopTime?: string }
  failover: { delay: string; maxDelay: string; maxTries?: number; failures: number; failureTime?: string }
  task?: {
    id: string
    slaveId: string
    executorId: string
    hostname: string
    endpoint: string
    attributes: Record<string, string>
    state: NodeTaskState
    unreachableSince?: number
  }
  state: string
  /** `process.roles` when not just `broker` (a combined `broker,controller` node) */
  role?: NodeRole
  /** Why an active broker without a task did not take its last offer (not persisted), e.g. `{"reason":"rack=unique: ...","hostname":"127.0.1.1","time":"2026-..."}`. */
  waiting?: { reason: string; hostname: string; time: string }
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
 * Serializes a node as mesos/kafka's broker JSON (§2.6), plus `waiting` (from `lastDecline`) while
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
    },
    task: node.task ? { ...node.task } : undefined,
    state: displayState(node, now),
    waiting:
      lastDecline && node.active && !node.task
        ? { reason: lastDecline.reason, hostname: lastDecline.hostname, time: formatDate(lastDecline.time) }
        : undefined,
  }
}
