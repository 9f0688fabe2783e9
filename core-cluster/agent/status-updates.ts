/** The agent's status-update manager: per task, updates go to the master in order and are re-sent until acknowledged. */
import type { TaskStatus } from '../proto/index.js'

/**
 * Retry schedule of unacknowledged updates: 10 s doubling to 10 min (Mesos's
 * `STATUS_UPDATE_RETRY_INTERVAL_MIN` and `_MAX`, `src/slave/constants.hpp`).
 */
export const STATUS_RETRY_MIN_MS = 10_000
export const STATUS_RETRY_MAX_MS = 600_000

interface Stream {
  frameworkId: string
  queue: TaskStatus[]
  inflightSince?: number
  backoffMs: number
  timer?: NodeJS.Timeout
}

/**
 * The agent's status-update manager: per task, updates go to the master in order, one in flight at
 * a time, re-sent with back-off until the scheduler's ACKNOWLEDGE comes back (at-least-once), as
 * Mesos's (`src/status_update_manager/status_update_manager_process.hpp`).
 */
export class StatusUpdateManager {
  private readonly streams = new Map<string, Stream>()

  /**
   * @param forward sends one update to the master; false/throw means "not sent now", retried later
   */
  constructor(
    private readonly forward: (frameworkId: string, status: TaskStatus) => Promise<boolean>,
    private readonly retryMinMs = STATUS_RETRY_MIN_MS,
    private readonly retryMaxMs = STATUS_RETRY_MAX_MS,
    /** told the task's queue after every change (to checkpoint it); an empty queue means all acknowledged */
    private readonly changed?: (frameworkId: string, taskId: string, queue: readonly TaskStatus[]) => void,
  ) {}

  /** Queues an update (it must carry a uuid); sends it at once when nothing is in flight for the task. */
  enqueue(frameworkId: string, status: TaskStatus): void {
    const key = `${frameworkId}/${status.task_id.value}`
    let s = this.streams.get(key)
    if (!s) {
      s = { frameworkId, queue: [], backoffMs: this.retryMinMs }
      this.streams.set(key, s)
    }
    if (s.queue.some((q) => q.uuid === status.uuid)) return
    s.queue.push(status)
    this.changed?.(frameworkId, status.task_id.value, s.queue)
    if (s.queue.length === 1) this.send(key, s)
  }

  /** The scheduler acknowledged `uuid` of a task: drop it and send the next queued update. */
  acknowledge(frameworkId: string, taskId: string, uuid: string): boolean {
    const key = `${frameworkId}/${taskId}`
    const s = this.streams.get(key)
    if (!s || s.queue[0]?.uuid !== uuid) return false
    s.queue.shift()
    this.changed?.(frameworkId, taskId, s.queue)
    if (s.timer) clearTimeout(s.timer)
    s.timer = undefined
    s.backoffMs = this.retryMinMs
    if (s.queue.length === 0) this.streams.delete(key)
    else this.send(key, s)
    return true
  }

  /** Re-sends the head update of every task now (e.g. after re-registering with the master). */
  resendAll(): void {
    for (const [key, s] of this.streams) {
      if (s.timer) clearTimeout(s.timer)
      s.backoffMs = this.retryMinMs
      this.send(key, s)
    }
  }

  /** Updates not yet acknowledged, per task key `<frameworkId>/<taskId>`. */
  pending(): Map<string, TaskStatus[]> {
    return new Map([...this.streams].map(([k, s]) => [k, s.queue.slice()]))
  }

  /** True when the latest queued update of the task is terminal and still unacknowledged. */
  hasPending(frameworkId: string, taskId: string): boolean {
    return this.streams.has(`${frameworkId}/${taskId}`)
  }

  stop(): void {
    for (const s of this.streams.values()) if (s.timer) clearTimeout(s.timer)
  }

  private send(key: string, s: Stream): void {
    const head = s.queue[0]
    if (!head) return
    s.inflightSince = Date.now()
    void this.forward(s.frameworkId, head).catch(() => false)
    if (s.timer) clearTimeout(s.timer)
    s.timer = setTimeout(() => {
      s.backoffMs = Math.min(s.backoffMs * 2, this.retryMaxMs)
      this.send(key, s)
    }, s.backoffMs)
    s.timer.unref()
  }
}
