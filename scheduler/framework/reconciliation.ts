/** Explicit task reconciliation: RECONCILE the tasks we believe exist until each has an answer. */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import type { TryCall } from './master-calls.js'

/** Backoff of the RECONCILE retries (ms): 2 s, doubling, at most 60 s. */
export function reconcileDelay(attempt: number): number {
  return Math.min(2000 * 2 ** attempt, 60_000)
}

/**
 * Asks the master for the latest state of every task the scheduler believes exists (explicit
 * reconciliation, Mesos `docs/reconciliation.md`; mesos/kafka
 * `src/scala/main/ly/stealth/mesos/kafka/scheduler/mesos/TaskReconciler.scala`), again and again until
 * each one has an answer: a master that just took over gives no answer for tasks on agents that have
 * not re-registered yet (Mesos `docs/high-availability-framework-guide.md`). In memory only: a
 * transient "reconciling" state is never persisted (mesos/kafka#306).
 */
export class TaskReconciler {
  /** task ids asked about and not answered yet */
  private unreconciled = new Set<string>()
  private timer?: NodeJS.Timeout

  constructor(
    private readonly nodes: () => KafkaNode[],
    private readonly tryCall: TryCall,
    private readonly log: Logger,
  ) {}

  /** Starts over with every task the nodes have (after each SUBSCRIBED). */
  async begin(): Promise<void> {
    this.unreconciled = new Set(
      this.nodes()
        .filter((n) => n.task)
        .map((n) => n.task!.id),
    )
    if (this.timer) clearTimeout(this.timer)
    await this.reconcile(0)
  }

  /** A status update arrived for `taskId`: it needs no more asking. */
  answered(taskId: string): void {
    this.unreconciled.delete(taskId)
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
  }

  /** RECONCILE of the unanswered tasks; retried after {@link reconcileDelay} until all answer. */
  private async reconcile(attempt: number): Promise<void> {
    const tasks = this.nodes()
      .filter((n) => n.task && this.unreconciled.has(n.task.id))
      .map((n) => ({ task_id: { value: n.task!.id }, agent_id: { value: n.task!.slaveId } }))
    if (tasks.length === 0) {
      this.unreconciled.clear()
      return
    }
    this.log.info(
      { tasks: tasks.length, attempt },
      attempt === 0 ? 'reconciling tasks' : 'reconciling tasks that have not answered yet',
    )
    await this.tryCall({ type: 'RECONCILE', reconcile: { tasks } })
    this.timer = setTimeout(() => void this.reconcile(attempt + 1), reconcileDelay(attempt))
    this.timer.unref()
  }
}
