/** A rolling-restart request: the nodes it names, what it checks before anything restarts, its timeouts, one roll at a time. */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import { type ErrorCode, KmError } from '../../errors/index.js'
import { expandParam } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { KafkaRoller, type RestartResult, readReplicationOf } from './roller.js'

/** mesos/kafka's restart waits (its `BrokerApi.scala` defaults): 5 m per node, 2 m without replication waits. */
export const RESTART_TIMEOUT_MS = 5 * 60_000
export const RESTART_NO_REPLICATION_TIMEOUT_MS = 2 * 60_000

/** What `POST /api/broker/restart` asks for (see api/restart.ts for the params). */
export interface RestartRequest {
  /** id expression: `*` and attribute filters select brokers; controllers are named by their ids (1000000 up) */
  broker: string
  /** per node, ms; default {@link RESTART_TIMEOUT_MS}, or {@link RESTART_NO_REPLICATION_TIMEOUT_MS} without Kafka checks */
  timeout?: number
  /** skip every Kafka check (replication and quorum) */
  noWaitForReplication: boolean
}

/** A restart that may not begin: the named nodes, another roll, or a partition reassignment is in the way. */
export class RestartRefused extends KmError {
  constructor(message: string, code: ErrorCode = 'KM_ERR_INVALID_PARAM', status: 400 | 409 = 400) {
    super(code, message, { status })
  }
}

/** A checked restart, ready to run: it reports `progress` lines and answers when every node is done or one timed out. */
export type RestartRun = (progress: (line: string) => void) => Promise<RestartResult>

const rolling = new WeakSet<KafkaScheduler>()

/** Partitions Kafka is reassigning now (`topic-partition`), read through ListPartitionReassignments; undefined when Kafka can't be asked. */
async function reassigning(scheduler: KafkaScheduler): Promise<string[] | undefined> {
  try {
    return (await readReplicationOf(scheduler)).reassigning
  } catch {
    return undefined
  }
}

/** The nodes a restart names, each active and running. @throws RestartRefused (400) naming the nodes and the fix */
function namedNodes(scheduler: KafkaScheduler, expr: string): KafkaNode[] {
  const list = expandParam('broker', expr, scheduler.state.brokers)
  if (list.length === 0) throw new RestartRefused(`broker: "${expr}" names no broker`)
  const byId = (id: number) => scheduler.nodes().find((b) => b.id === id)
  const missing = list.filter((id) => !byId(id))
  if (missing.length > 0) throw new RestartRefused(`broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
  const nodes = list.map((id) => byId(id)!)
  const inactive = nodes.filter((n) => !n.active)
  if (inactive.length > 0)
    throw new RestartRefused(
      `broker ${inactive.map((n) => n.id).join(',')} is not active; start it with: broker start ${inactive.map((n) => n.id).join(',')}`,
      'KM_ERR_NOT_ACTIVE',
    )
  const notRunning = nodes.filter((n) => n.task?.state !== 'running')
  if (notRunning.length > 0)
    throw new RestartRefused(
      `broker ${notRunning.map((n) => n.id).join(',')} is not running; wait until it runs (see broker list)`,
      'KM_ERR_NOT_RUNNING',
    )
  return nodes
}

/**
 * Checks a rolling restart before anything is restarted, and returns it ready to run (one roll per
 * scheduler at a time).
 * @throws ExprError for a bad expression; RestartRefused 400 `broker N not found`, `broker N is not
 *   active`, `broker N is not running`; 409 KM_ERR_BUSY while another roll runs; 409
 *   KM_ERR_REASSIGNING while a partition reassignment runs (not checked with `noWaitForReplication`)
 */
export async function beginRestart(scheduler: KafkaScheduler, req: RestartRequest, log: Logger): Promise<RestartRun> {
  const nodes = namedNodes(scheduler, req.broker)
  if (rolling.has(scheduler))
    throw new RestartRefused('a rolling restart is already running; wait for it to finish', 'KM_ERR_BUSY', 409)
  if (!req.noWaitForReplication) {
    const moving = await reassigning(scheduler)
    if (moving && moving.length > 0) {
      throw new RestartRefused(
        `a partition reassignment is running (${moving.slice(0, 5).join(', ')}${moving.length > 5 ? ', ...' : ''}): partitions are moving between brokers, so no broker is restarted now; try again once "topic rebalance status" is idle (or pass --noWaitForReplication to restart anyway)`,
        'KM_ERR_REASSIGNING',
        409,
      )
    }
  }
  const timeoutMs = req.timeout ?? (req.noWaitForReplication ? RESTART_NO_REPLICATION_TIMEOUT_MS : RESTART_TIMEOUT_MS)
  return (progress) => {
    rolling.add(scheduler)
    return new KafkaRoller(scheduler, { timeoutMs, waitForReplication: !req.noWaitForReplication, progress, log })
      .roll(nodes)
      .finally(() => rolling.delete(scheduler))
  }
}
