/** A broker's settings as `broker add|update` change them: which changed, which need a restart, and the heap/mem rule. */

import { type KafkaNode, type NodeRole, sizingProblem } from '../../contract/index.js'
import { pendingChanges } from '../brokers/index.js'
import { BrokerRefused } from './refused.js'

/**
 * The settings of `broker add|update`, parsed (api/params.ts NodeParamsSchema; mesos/kafka's names
 * and units: mem and heap in MB, periods in ms). Absent: unchanged; `null`: unset.
 */
export interface NodeSettings {
  cpus?: number
  mem?: number
  heap?: number
  port?: KafkaNode['port'] | null
  options?: Record<string, string> | null
  /** `attr=<constraint>,...`, normalized; `""`/null unsets */
  constraints?: string | null
  jvmOptions?: string
  javaCmd?: string
  stickinessPeriod?: number
  failoverDelay?: number
  failoverMaxDelay?: number
  failoverMaxTries?: number | null
  bindAddress?: string | null
  syslog?: boolean
  volume?: string | null
  log4jOptions?: Record<string, string> | null
  /** `process.roles` of a new broker */
  role?: Exclude<NodeRole, 'controller'>
}

/** Settings other than `options`, by REST param name, as they decide whether something changed. */
const SETTINGS: Array<[string, (n: KafkaNode) => unknown]> = [
  ['cpus', (n) => n.cpus],
  ['mem', (n) => n.mem],
  ['heap', (n) => n.heap],
  ['port', (n) => n.port],
  ['bindAddress', (n) => n.bindAddress],
  ['syslog', (n) => n.syslog ?? false],
  ['volume', (n) => n.volume],
  ['log4jOptions', (n) => n.log4jOptions ?? {}],
  ['constraints', (n) => n.constraints],
  ['jvmOptions', (n) => n.jvmOptions],
  ['javaCmd', (n) => n.javaCmd],
  ['stickinessPeriod', (n) => n.stickiness.periodMs],
  ['failoverDelay', (n) => n.failover.delayMs],
  ['failoverMaxDelay', (n) => n.failover.maxDelayMs],
  ['failoverMaxTries', (n) => n.failover.maxTries],
]

/** Applies add/update settings to a node. @returns the settings other than `options` that changed (REST param names) */
export function applySettings(node: KafkaNode, p: NodeSettings): string[] {
  const before = SETTINGS.map(([, get]) => JSON.stringify(get(node)))
  if (p.cpus !== undefined) node.cpus = p.cpus
  if (p.mem !== undefined) node.mem = p.mem
  if (p.heap !== undefined) node.heap = p.heap
  if (p.port !== undefined) node.port = p.port ?? undefined
  if (p.options !== undefined) node.options = p.options ?? {}
  if (p.bindAddress !== undefined) node.bindAddress = p.bindAddress ?? undefined
  if (p.syslog !== undefined) node.syslog = p.syslog || undefined
  if (p.volume !== undefined) node.volume = p.volume ?? undefined
  if (p.log4jOptions !== undefined)
    node.log4jOptions = p.log4jOptions && Object.keys(p.log4jOptions).length > 0 ? p.log4jOptions : undefined
  if (p.constraints !== undefined) node.constraints = p.constraints || undefined
  if (p.jvmOptions !== undefined) node.jvmOptions = p.jvmOptions
  if (p.javaCmd !== undefined) node.javaCmd = p.javaCmd || 'java'
  if (p.stickinessPeriod !== undefined) node.stickiness.periodMs = p.stickinessPeriod
  if (p.failoverDelay !== undefined) node.failover.delayMs = p.failoverDelay
  if (p.failoverMaxDelay !== undefined) node.failover.maxDelayMs = p.failoverMaxDelay
  if (p.failoverMaxTries !== undefined) node.failover.maxTries = p.failoverMaxTries ?? undefined
  return SETTINGS.filter(([, get], i) => JSON.stringify(get(node)) !== before[i]).map(([name]) => name)
}

/**
 * After an update of a node with a task: which changes need a restart (mesos/kafka's `BrokerApi.scala`
 * sets needsRestart for any change; here options applied live are not counted, see
 * kafka/dynamic-configs.ts).
 */
export function markRestart(node: KafkaNode, changed: string[], optionsChanged: boolean): void {
  if (!node.task) return
  const fields = new Set([...(node.restartFields ?? []), ...changed])
  // a task launched before kafka-mesos recorded its options: any options change needs the restart
  if (optionsChanged && !node.launchedOptions) fields.add('options')
  node.restartFields = fields.size > 0 ? [...fields] : undefined
  node.needsRestart = (pendingChanges(node)?.restart.length ?? 0) > 0
}

/**
 * Refuses a heap, mem and options that cannot start Kafka (contract/heap-settings.ts: the log
 * cleaner's buffers on the heap, the smallest broker heap, the memory beyond the heap).
 * @throws BrokerRefused 400 `KM_ERR_SIZING`, its message naming the option and the fix
 */
export function checkResources(node: KafkaNode): void {
  const problem = sizingProblem({ role: node.role, heapMb: node.heap, memMb: node.mem, options: node.options })
  if (problem) throw new BrokerRefused(`${problem.message} (broker ${node.id})`, 'KM_ERR_SIZING')
}
