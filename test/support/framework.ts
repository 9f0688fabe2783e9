/** A test framework on the v1 scheduler client that records events and launches what a test asks. */

import { type Logger, pino } from 'pino'
import { SchedulerClient } from '../../core-cluster/client/scheduler-client.js'
import type { FrameworkInfo, Offer, scheduler, TaskInfo, TaskStatus } from '../../core-cluster/proto/index.js'

const silent = pino({ level: 'silent' })

/**
 * A scripted test framework on the v1 scheduler API: records every offer, update and failure,
 * acknowledges updates that carry a uuid (unless `autoAck` is off), and lets a test wait for them.
 */
export class TestFramework {
  readonly client: SchedulerClient
  readonly offers: Offer[] = []
  readonly updates: TaskStatus[] = []
  readonly failures: Array<NonNullable<scheduler.Event['failure']>> = []
  readonly rescinded: string[] = []
  frameworkId?: string
  /** Called for each OFFERS event before it is recorded; return true when the test handled the offer. */
  onOffer?: (offer: Offer) => boolean | Promise<boolean>
  private readonly waiters = new Set<() => void>()

  constructor(
    master: string,
    info: Partial<FrameworkInfo> = {},
    readonly autoAck = true,
    log: Logger = silent,
  ) {
    this.client = new SchedulerClient(
      master,
      { user: 'root', name: 'test-framework', ...info },
      {
        subscribed: (id) => {
          this.frameworkId = id
          this.wake()
        },
        offers: async (offers) => {
          for (const o of offers ?? []) if (!(await this.onOffer?.(o))) this.offers.push(o)
          this.wake()
        },
        update: async (status) => {
          this.updates.push(status)
          this.wake()
          if (this.autoAck && status.uuid && status.agent_id) await this.ack(status)
        },
        rescind: (id) => {
          this.rescinded.push(id)
          const i = this.offers.findIndex((o) => o.id.value === id)
          if (i >= 0) this.offers.splice(i, 1)
          this.wake()
        },
        failure: (f) => {
          this.failures.push(f)
          this.wake()
        },
      },
      log,
    )
  }

  start(): this {
    this.client.start()
    return this
  }

  stop(): void {
    this.client.stop()
  }

  ack(status: TaskStatus): Promise<boolean> {
    return this.client.tryCall({
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: status.agent_id!, task_id: status.task_id, uuid: status.uuid! },
    })
  }

  /** Waits until `pred` returns a value (not undefined/false); throws after `timeoutMs` with `what`. */
  async waitFor<T>(what: string, pred: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const v = pred()
      if (v !== undefined && v !== false) return v
      if (Date.now() > deadline)
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; updates: ${this.updates.map((u) => `${u.task_id.value}:${u.state}`).join(', ')}`,
        )
      await new Promise<void>((r) => {
        const done = () => {
          this.waiters.delete(done)
          clearTimeout(t)
          r()
        }
        const t = setTimeout(done, 100)
        this.waiters.add(done)
      })
    }
  }

  /** Takes the next offer (waiting for one). */
  async nextOffer(timeoutMs = 10_000): Promise<Offer> {
    await this.waitFor('an offer', () => this.offers.length > 0, timeoutMs)
    return this.offers.shift()!
  }

  /** The latest update of a task whose state is one of `states`, waiting for it. */
  waitState(taskId: string, states: string | string[], timeoutMs = 10_000): Promise<TaskStatus> {
    const want = Array.isArray(states) ? states : [states]
    return this.waitFor(
      `${taskId} in ${want.join('|')}`,
      () => this.updates.find((u) => u.task_id.value === taskId && want.includes(u.state)),
      timeoutMs,
    )
  }

  /** ACCEPT with one LAUNCH of `tasks` (agent id filled in from the offer). */
  launch(offer: Offer, tasks: Array<Omit<TaskInfo, 'agent_id'>>, refuseSeconds = 0): Promise<void> {
    return this.client.call({
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [
          { type: 'LAUNCH', launch: { task_infos: tasks.map((t) => ({ ...t, agent_id: offer.agent_id })) } },
        ],
        filters: { refuse_seconds: refuseSeconds },
      },
    })
  }

  kill(taskId: string, gracePeriodMs?: number): Promise<void> {
    return this.client.call({
      type: 'KILL',
      kill: {
        task_id: { value: taskId },
        ...(gracePeriodMs !== undefined ? { kill_policy: { grace_period: { nanoseconds: gracePeriodMs * 1e6 } } } : {}),
      },
    })
  }

  private wake(): void {
    for (const w of [...this.waiters]) w()
  }
}
