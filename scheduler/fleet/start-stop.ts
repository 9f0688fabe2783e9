/** `broker start|stop`: brokers become active or not, and the answer waits until each runs or is gone. */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { quorumStopProblem } from '../quorum/index.js'
import { brokerById, brokerIds } from './node-ids.js'
import { BrokerRefused } from './refused.js'

/** mesos/kafka's start/stop wait (`BrokerApi.scala`): 60 s by default, polled every 100 ms. */
export const DEFAULT_WAIT_MS = 60_000

/** What `broker start|stop` asks: the brokers, how long to wait for each (ms; 0 = don't), and a forced stop. */
export interface StartStopRequest {
  broker: string
  timeout?: number
  force: boolean
}

/** The answer: `started`/`stopped` when every broker got there, `scheduled` without a wait, else `timeout`. */
export interface StartStopResult {
  status: 'started' | 'stopped' | 'scheduled' | 'timeout'
  nodes: KafkaNode[]
}

/**
 * Starts or stops brokers (mesos/kafka's `start`/`stop`,
 * `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`) and waits for each in
 * turn with the full timeout, as mesos/kafka. A stop that would leave running nodes without a KRaft
 * majority is refused (quorum/guard.ts).
 * @throws ExprError; BrokerRefused 400 for no ids and `broker N not found` (KM_ERR_NOT_FOUND); 409
 *   KM_ERR_QUORUM for a stop the quorum guard refuses
 */
export async function startOrStop(
  scheduler: KafkaScheduler,
  op: 'start' | 'stop',
  p: StartStopRequest,
  log: Logger,
): Promise<StartStopResult> {
  const list = brokerIds(scheduler, p.broker)
  if (list.length === 0) throw new BrokerRefused(`broker: "${p.broker}" names no broker`)
  const missing = list.filter((id) => !brokerById(scheduler, id))
  if (missing.length > 0)
    throw new BrokerRefused(
      `broker ${missing.join(',')} not found; add it first with: broker add ${missing.join(',')}`,
      'KM_ERR_NOT_FOUND',
    )
  if (!scheduler.connected)
    log.warn('not subscribed to the master right now; the request is stored and carried out once connected')
  const nodes = list.map((id) => brokerById(scheduler, id)!)
  const quorumProblem = op === 'stop' ? quorumStopProblem(scheduler.nodes(), new Set(list)) : undefined
  if (quorumProblem) throw new BrokerRefused(quorumProblem, 'KM_ERR_QUORUM', 409)
  if (op === 'start') await scheduler.activate(nodes)
  else await scheduler.deactivate(nodes, p.force)
  const timeout = p.timeout ?? DEFAULT_WAIT_MS
  log.info({ brokers: list, timeoutMs: timeout, force: p.force }, `broker ${op} requested`)
  if (timeout === 0) return { status: 'scheduled', nodes }
  let ok = true
  for (const node of nodes) {
    const done = op === 'start' ? () => node.task?.state === 'running' || !node.active : () => !node.task
    if (!(await scheduler.waitUntil(done, Date.now() + timeout))) {
      ok = false
      break
    }
  }
  const started = op === 'start' ? nodes.every((n) => n.task?.state === 'running') : true
  return { status: ok && started ? (op === 'start' ? 'started' : 'stopped') : 'timeout', nodes }
}
