/** REVIVE and SUPPRESS: offers flow while a node needs a place, and stop when every node is steady. */

import type { Logger } from 'pino'
import { voterNodes } from '../quorum/index.js'
import type { SchedulerState } from '../storage/index.js'
import type { TryCall } from './master-calls.js'

/**
 * True when no node needs offers: every active node runs (or waits for its unreachable agent:
 * status-updates.ts arms a timer, it needs no offers meanwhile) and every inactive node has no task;
 * and no active broker waits for a quorum that does not exist yet.
 */
export function isSteady(state: Pick<SchedulerState, 'brokers' | 'controllers'>): boolean {
  return (
    [...state.controllers, ...state.brokers].every((n) =>
      n.active ? n.task?.state === 'running' || n.task?.state === 'unreachable' : !n.task,
    ) && !(state.brokers.some((b) => b.active) && voterNodes(state).length === 0)
  )
}

/**
 * Whether the master sends us offers, as mesos/kafka's `OfferManager.pauseOrResumeOffers`
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/mesos/OfferManager.scala`): SUPPRESS when every
 * node is steady, REVIVE when one needs offers (`include/mesos/v1/scheduler/scheduler.proto`, Call
 * SUPPRESS / REVIVE). A REVIVE also drops the refuse filters of earlier declines.
 */
export class OfferSuppression {
  private suppressed = false

  constructor(
    private readonly tryCall: TryCall,
    private readonly log: Logger,
  ) {}

  /** A new subscription: the master sends offers until told otherwise. */
  subscribed(): void {
    this.suppressed = false
  }

  /** A node was just activated: the next {@link update} REVIVEs whenever a node needs offers. */
  assumeSuppressed(): void {
    this.suppressed = true
  }

  /** Sends SUPPRESS or REVIVE when steadiness changed since the last call, or either one anyway with `force`. */
  async update(state: Pick<SchedulerState, 'brokers' | 'controllers'>, force: boolean): Promise<void> {
    const steady = isSteady(state)
    if (steady && (!this.suppressed || force)) {
      if (await this.tryCall({ type: 'SUPPRESS', suppress: {} })) this.suppressed = true
      this.log.debug('every node is steady: offers suppressed')
    } else if (!steady && (this.suppressed || force)) {
      if (await this.tryCall({ type: 'REVIVE', revive: {} })) this.suppressed = false
      this.log.debug('a node needs offers: revived')
    }
  }
}
