/**
 * `POST /api/broker/restart`: a rolling restart, as mesos/kafka (reference kafka-mesos.md §2.2) with
 * Strimzi's availability rule (modern-anchors.md "Rolling restarts").
 *
 * Params: `broker` (id expression, required), `timeout` (Period, per broker; default 5m, 2m with
 * `noWaitForReplication`), `noWaitForReplication` (flag: skip every Kafka check).
 *
 * Controllers may be named by their ids (1000000 up; `*` means every broker, as mesos/kafka). The
 * order follows Strimzi's KafkaRoller (brokers/roll-order.ts): controllers first, the active
 * controller (the quorum leader from DescribeQuorum, asked again before each controller) last, then
 * brokers in id order. One node at a time:
 *   1. before stopping it: a broker waits until no reassignment runs (a pause if one began during
 *      the roll), every partition has ISR == replicas, and its absence would leave no partition
 *      under `min.insync.replicas` (Strimzi); a controller waits until the other voters can form a
 *      caught-up majority without it;
 *   2. stop (controlled shutdown) and wait until the task is gone;
 *   3. start and wait until it runs;
 *   4. a broker waits until every partition is in sync again (mesos/kafka); a controller until it
 *      has caught up with the quorum leader.
 * Answers `{"status":"restarted","brokers":[...]}`; on a timeout HTTP 200
 * `{"status":"timeout","brokers":[],"message":"broker N timeout on stop|start|replication"}`.
 * With `Accept: application/x-ndjson` the answer is streamed: `{"progress":"..."}` lines, then the
 * answer object as the last line.
 * Errors (before anything is restarted): 400 for bad params, `broker N not found`, `broker N is not
 * active`, `broker N is not running`; 409 while another rolling restart runs, and 409
 * `KM_ERR_REASSIGNING` while a partition reassignment runs (ListPartitionReassignments; skipped with
 * `noWaitForReplication`, which skips every Kafka check).
 */

import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import { type KafkaNode, type NodeJson, parsePeriod, ValueError } from '../../contract/index.js'
import { ExprError, expandIds, nodeJson } from '../brokers/index.js'
import { outOfSync, type ReplicationSnapshot, readReplication, rollBlockers } from '../brokers/replication.js'
import { controllerBlockers, controllerCatchUpBlockers, nextController, rollOrder } from '../brokers/roll-order.js'
import { describeQuorum, kafkaAdmin, type QuorumDescription } from '../kafka/index.js'
import { bootstrapServers } from '../quorum/index.js'
import type { KafkaScheduler } from '../scheduler.js'
import { streamNdjson, wantsNdjson } from './ndjson.js'
import { ApiError, readParams, validate } from './params.js'
import { waitUntil } from './wait.js'

/** mesos/kafka's restart waits (§2.2, §10): 5 m per broker, 2 m without replication waits. */
export const RESTART_TIMEOUT_MS = 5 * 60_000
export const RESTART_NO_REPLICATION_TIMEOUT_MS = 2 * 60_000
/** How often Kafka is asked about ISRs while waiting (mesos/kafka polled ZK every 5 s). */
export const REPLICATION_POLL_MS = 1_000

const RestartSchema = z.object({
  broker: z
    .string({ error: 'broker: required, an id expression such as 0..2' })
    .trim()
    .min(1, 'broker: required, an id expression such as 0..2'),
  timeout: z
    .string()
    .transform((s, ctx) => {
      try {
        return parsePeriod(s, 'timeout')
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: e instanceof ValueError ? e.message : String(e) })
        return z.NEVER
      }
    })
    .optional(),
  // mesos/kafka's CLI sends `noWaitForReplication=true`; the server only checked presence (§11). `false` means false here.
  noWaitForReplication: z
    .string()
    .optional()
    .transform((s) => s !== undefined && s !== 'false'),
})

/** The answer of a rolling restart (mesos/kafka §2.2). */
export interface RestartResult {
  status: 'restarted' | 'timeout'
  brokers: NodeJson[]
  message?: string
}

interface RollOptions {
  timeoutMs: number
  waitForReplication: boolean
  progress: (line: string) => void
  log: Logger
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Polls `read` until `blockers(snapshot)` is empty or the deadline passes. Reports each new reason
 * through `progress`. Read errors (e.g. brokers restarting) count as "not yet", with `readFailed`
 * naming what could not be read.
 * @returns undefined when clear, else the last reason
 */
async function pollUntilClear<T>(
  read: () => Promise<T>,
  readFailed: string,
  what: string,
  blockers: (snapshot: T) => string[],
  deadline: number,
  o: RollOptions,
): Promise<string | undefined> {
  let last = ''
  for (;;) {
    let reasons: string[]
    try {
      reasons = blockers(await read())
    } catch (e) {
      reasons = [`${readFailed}: ${(e as Error).message}`]
    }
    if (reasons.length === 0) return undefined
    const why = reasons.join('; ')
    if (why !== last) {
      last = why
      o.progress(`${what}: ${last}`)
      o.log.info({ reasons }, `rolling restart: ${what}`)
    }
    if (Date.now() + REPLICATION_POLL_MS > deadline) return last
    await sleep(REPLICATION_POLL_MS)
  }
}

/** {@link pollUntilClear} over Kafka's replication state (partitions, ISR, reassignments). */
function waitForKafka(
  scheduler: KafkaScheduler,
  what: string,
  blockers: (s: ReplicationSnapshot) => string[],
  deadline: number,
  o: RollOptions,
): Promise<string | undefined> {
  return pollUntilClear(
    async () => readReplication(await kafkaAdmin(scheduler).get()),
    'cannot read replication state from Kafka',
    what,
    blockers,
    deadline,
    o,
  )
}

/** The KRaft quorum as Kafka describes it, asked through running brokers and the controllers; undefined when no one answers. */
async function readQuorum(scheduler: KafkaScheduler): Promise<QuorumDescription> {
  const brokers = scheduler.state.brokers.filter((b) => b.task?.state === 'running').map((b) => b.task!.endpoint)
  return describeQuorum([...brokers, ...bootstrapServers(scheduler.voterNodes()).split(',').filter(Boolean)], 3000)
}

/** {@link pollUntilClear} over the KRaft quorum. */
function waitForQuorum(
  scheduler: KafkaScheduler,
  what: string,
  blockers: (q: QuorumDescription) => string[],
  deadline: number,
  o: RollOptions,
): Promise<string | undefined> {
  return pollUntilClear(() => readQuorum(scheduler), 'cannot describe the KRaft quorum', what, blockers, deadline, o)
}

/**
 * Restarts `nodes` one at a time (see the module doc): controllers first, the active controller
 * last (asked again before each controller), then brokers in the order given. Never throws for
 * Kafka trouble: it waits, then times out.
 */
export async function rollingRestart(
  scheduler: KafkaScheduler,
  nodes: KafkaNode[],
  o: RollOptions,
): Promise<RestartResult> {
  const timeout = (node: KafkaNode, phase: string, why?: string): RestartResult => {
    const message = `${node.role} ${node.id} timeout on ${phase}`
    o.log.warn({ node: node.id, role: node.role, phase, why }, `rolling restart stopped: ${message}`)
    return { status: 'timeout', brokers: [], message: why ? `${message}: ${why}` : message }
  }
  o.log.info(
    { nodes: nodes.map((n) => n.id), timeoutMs: o.timeoutMs, waitForReplication: o.waitForReplication },
    'rolling restart started',
  )
  const restartOne = async (node: KafkaNode): Promise<RestartResult | undefined> => {
    const deadline = Date.now() + o.timeoutMs
    const oldTask = node.task?.id
    const what = `${node.role} ${node.id}`
    if (o.waitForReplication) {
      // a combined broker,controller node is checked as both: a voter and a broker
      const why =
        (node.role !== 'broker'
          ? await waitForQuorum(
              scheduler,
              `${what} waits before stopping`,
              (q) => controllerBlockers(node.id, q),
              deadline,
              o,
            )
          : undefined) ??
        (node.role !== 'controller'
          ? await waitForKafka(scheduler, `${what} waits before stopping`, (s) => rollBlockers(node.id, s), deadline, o)
          : undefined)
      if (why) return timeout(node, 'replication', why)
    }
    o.progress(`stopping ${what}`)
    await scheduler.deactivate([node], false)
    if (!(await waitUntil(scheduler, () => !node.task, deadline))) return timeout(node, 'stop')
    o.progress(`starting ${what}`)
    await scheduler.activate([node])
    if (
      !(await waitUntil(scheduler, () => node.task?.state === 'running' || !node.active, deadline)) ||
      node.task?.state !== 'running'
    )
      return timeout(node, 'start')
    o.progress(`${what} running: task ${node.task.id} (was ${oldTask})`)
    if (o.waitForReplication) {
      const why =
        (node.role !== 'broker'
          ? await waitForQuorum(
              scheduler,
              `${what} started; waiting for it to catch up`,
              (q) => controllerCatchUpBlockers(node.id, q),
              deadline,
              o,
            )
          : undefined) ??
        (node.role === 'controller'
          ? undefined
          : await waitForKafka(
              scheduler,
              `${what} started; waiting for replication`,
              (s) => [
                ...(s.reassigning.length ? [`reassignment in progress`] : []),
                ...outOfSync(s.partitions).map(
                  (p) => `${p.topic}-${p.partition} ISR [${p.isr.join(',')}] of [${p.replicas.join(',')}]`,
                ),
              ],
              deadline,
              o,
            ))
      if (why) return timeout(node, 'replication', why)
      o.progress(node.role === 'controller' ? `${what}: caught up with the quorum` : `${what}: every partition in sync`)
    }
    return undefined
  }
  const pending = nodes.filter((n) => n.role === 'controller')
  if (pending.length > 0) {
    const leader = await readQuorum(scheduler).then(
      (q) => q.leaderId,
      () => undefined,
    )
    o.progress(
      `order: ${rollOrder(nodes, leader)
        .map((n) => `${n.role} ${n.id}${n.id === leader ? ' (active controller)' : ''}`)
        .join(', ')}`,
    )
  }
  while (pending.length > 0) {
    const leader = await readQuorum(scheduler).then(
      (q) => q.leaderId,
      () => undefined,
    )
    const next = nextController(pending, leader)!
    pending.splice(pending.indexOf(next), 1)
    const r = await restartOne(next)
    if (r) return r
  }
  for (const node of nodes.filter((n) => n.role !== 'controller')) {
    const r = await restartOne(node)
    if (r) return r
  }
  o.log.info({ nodes: nodes.map((n) => n.id) }, 'rolling restart done')
  return { status: 'restarted', brokers: nodes.map((n) => nodeJson(n, Date.now(), scheduler.waiting.get(n.id))) }
}

/** Partitions Kafka is reassigning now (`topic-partition`), read through ListPartitionReassignments; undefined when Kafka can't be asked. */
async function reassigning(scheduler: KafkaScheduler): Promise<string[] | undefined> {
  try {
    return (await readReplication(await kafkaAdmin(scheduler).get())).reassigning
  } catch {
    return undefined
  }
}

const running = new WeakSet<KafkaScheduler>()

/** Registers `POST /api/broker/restart` (see the module doc). */
export function registerRestartRoutes(app: Hono, scheduler: KafkaScheduler, log: Logger): void {
  app.post('/api/broker/restart', async (c) => {
    const p = validate(RestartSchema, await readParams(c))
    let list: number[]
    try {
      // `*` and attribute filters select brokers; controllers are named by their ids (1000000 up)
      list = expandIds(
        p.broker,
        scheduler.state.brokers.map((b) => ({
          id: b.id,
          task: b.task ? { hostname: b.task.hostname, attributes: b.task.attributes } : null,
        })),
      )
    } catch (e) {
      if (e instanceof ExprError) throw new ApiError(400, `broker: ${e.message}`, e.code)
      throw e
    }
    if (list.length === 0) throw new ApiError(400, `broker: "${p.broker}" names no broker`)
    const byId = (id: number) => scheduler.nodes().find((b) => b.id === id)
    const missing = list.filter((id) => !byId(id))
    if (missing.length > 0) throw new ApiError(400, `broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
    const nodes = list.map((id) => byId(id)!)
    const inactive = nodes.filter((n) => !n.active)
    if (inactive.length > 0)
      throw new ApiError(
        400,
        `broker ${inactive.map((n) => n.id).join(',')} is not active; start it with: broker start ${inactive.map((n) => n.id).join(',')}`,
        'KM_ERR_NOT_ACTIVE',
      )
    const notRunning = nodes.filter((n) => n.task?.state !== 'running')
    if (notRunning.length > 0)
      throw new ApiError(
        400,
        `broker ${notRunning.map((n) => n.id).join(',')} is not running; wait until it runs (see broker list)`,
        'KM_ERR_NOT_RUNNING',
      )
    if (running.has(scheduler))
      throw new ApiError(409, 'a rolling restart is already running; wait for it to finish', 'KM_ERR_BUSY')
    if (!p.noWaitForReplication) {
      const moving = await reassigning(scheduler)
      if (moving && moving.length > 0) {
        throw new ApiError(
          409,
          `a partition reassignment is running (${moving.slice(0, 5).join(', ')}${moving.length > 5 ? ', ...' : ''}): partitions are moving between brokers, so no broker is restarted now; try again once "topic rebalance status" is idle (or pass --noWaitForReplication to restart anyway)`,
          'KM_ERR_REASSIGNING',
        )
      }
    }

    const timeoutMs = p.timeout ?? (p.noWaitForReplication ? RESTART_NO_REPLICATION_TIMEOUT_MS : RESTART_TIMEOUT_MS)
    const roll = (progress: (line: string) => void) => {
      running.add(scheduler)
      return rollingRestart(scheduler, nodes, {
        timeoutMs,
        waitForReplication: !p.noWaitForReplication,
        progress,
        log,
      }).finally(() => running.delete(scheduler))
    }
    if (!wantsNdjson(c)) return c.json(await roll(() => undefined))
    return streamNdjson(c, log, roll, () => undefined)
  })
}
