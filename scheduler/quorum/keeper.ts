/** Keeping the KRaft quorum: created with the first active broker, its controllers kept active. */

import type { Logger } from 'pino'
import type { SchedulerState } from '../storage/index.js'
import { type ControllerResources, newControllers } from './controllers.js'

/** The `--controllers` setting: how many voters a new quorum gets (1, 3 or 5; default 1) and each one's resources. */
export interface QuorumSettings extends ControllerResources {
  count?: number
}

/**
 * Creates the KRaft quorum (`count` dedicated controllers) the first time any broker is active,
 * unless combined `broker,controller` brokers form it, and keeps its controllers active (a leaving
 * one excepted). The size of an existing quorum is not changed here (that is `controller
 * add|remove`, quorum/changer.ts); a different `--controllers` is warned about once.
 */
export class QuorumKeeper {
  private warnedSize = false

  constructor(
    private readonly settings: QuorumSettings,
    private readonly log: Logger,
  ) {}

  /** Creates or re-activates the quorum's controllers in `state` (mutates it; no I/O but the log). */
  ensure(state: SchedulerState): void {
    if (!state.brokers.some((b) => b.active)) return
    const combined = state.brokers.some((b) => b.role === 'broker,controller')
    if (state.controllers.length === 0 && combined) {
      // a quorum of combined broker,controller nodes: no dedicated controllers
    } else if (state.controllers.length === 0) {
      const count = this.settings.count ?? 1
      state.controllers = newControllers(count, this.settings)
      this.log.info(
        { controllers: state.controllers.map((c) => c.id) },
        `adding a KRaft quorum of ${count} controller${count > 1 ? 's' : ''}`,
      )
    } else if (this.settings.count && this.settings.count !== state.controllers.length && !this.warnedSize) {
      this.warnedSize = true
      this.log.warn(
        { stored: state.controllers.length, asked: this.settings.count },
        'the stored quorum size differs from --controllers; keeping the stored quorum (change it with controller add|remove)',
      )
    }
    for (const c of state.controllers) {
      if (c.active || c.membership === 'leaving') continue
      c.active = true
      this.log.info({ nodeId: c.id }, 'activating KRaft controller')
    }
  }
}
