/** The controller commands of the REST API: `controller list`, and `controller add|remove|replace` waiting for the voter change. */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import type { LastDecline } from '../brokers/index.js'
import type { QuorumDescription } from '../kafka/index.js'
import type { SchedulerState } from '../storage/index.js'
import { changeInProgress, type QuorumChange, type QuorumChangeOp } from './change.js'
import type { QuorumChanger } from './changer.js'
import { changeJson, controllersJson, quorumJson } from './views.js'
import { brokersWaitFor, controllerEndpoint } from './voters.js'

/** How long `controller add|remove|replace` waits for the change by default (ms); `timeout=0` answers at once. */
export const DEFAULT_CHANGE_WAIT_MS = 2 * 60_000

/** What the controller commands need from the scheduler (framework/kafka-scheduler.ts has it all). */
export interface ControllerCommandsContext {
  readonly state: SchedulerState
  readonly waiting: ReadonlyMap<number, LastDecline>
  readonly quorumChanger: QuorumChanger
  voterNodes(): KafkaNode[]
  /** DescribeQuorum v2 through the voters, then the brokers. @throws Error when no node answers */
  describeQuorum(timeoutMs: number): Promise<QuorumDescription>
  /** resolves true once `done()` holds, false at `deadline` (epoch ms) */
  waitUntil(done: () => boolean, deadline: number): Promise<boolean>
}

/**
 * `controller list`: the KRaft voters the scheduler runs (controllersJson), whether brokers wait for
 * the quorum, and, when a voter is placed or a broker runs, Kafka's own DescribeQuorum (leader, epoch,
 * each member's lag and directory id); `quorumError` says why it could not be described; `change` is
 * the current or last voter change with its progress.
 */
export async function controllerList(ctx: ControllerCommandsContext) {
  const controllers = ctx.voterNodes()
  let quorum: ReturnType<typeof quorumJson> | null = null
  let quorumError: string | undefined
  const placed =
    controllers.some((n) => controllerEndpoint(n)) || ctx.state.brokers.some((b) => b.task?.state === 'running')
  if (placed) {
    try {
      quorum = quorumJson(await ctx.describeQuorum(3000))
    } catch (e) {
      quorumError = (e as Error).message
    }
  } else quorumError = 'no controller or broker is placed yet'
  return {
    controllers: controllersJson(ctx.voterNodes(), ctx.waiting),
    brokersWaitFor: brokersWaitFor(controllers),
    quorum,
    quorumError,
    change: changeJson(ctx.state.quorumChange),
  }
}

/**
 * Starts a voter change (quorum/changer.ts, KIP-853) and waits up to `timeout` ms (default
 * {@link DEFAULT_CHANGE_WAIT_MS}; 0: not at all) for it to end.
 * @returns `status` done, failed or in progress, the change, the controllers
 * @throws QuorumChangeRefused: 400 naming the reason, 409 while another change runs, 503 without a quorum leader
 */
export async function changeVoters(
  ctx: ControllerCommandsContext,
  op: QuorumChangeOp,
  p: { controller?: number; timeout?: number },
  log?: Logger,
) {
  const change: QuorumChange = await ctx.quorumChanger.start(op, p.controller)
  log?.info({ op, controller: p.controller }, `controller ${op} started`)
  void ctx.quorumChanger.tick()
  const timeout = p.timeout ?? DEFAULT_CHANGE_WAIT_MS
  if (timeout > 0)
    await ctx.waitUntil(
      () => !changeInProgress(ctx.state.quorumChange) || ctx.state.quorumChange !== change,
      Date.now() + timeout,
    )
  const now = ctx.state.quorumChange
  const status = changeInProgress(now) ? 'in progress' : now?.phase === 'failed' ? 'failed' : 'done'
  return { status, change: changeJson(now), controllers: controllersJson(ctx.voterNodes(), ctx.waiting) }
}
