/** Task reconciliation: the status updates RECONCILE (and KILL of an unknown task) is answered with, by Mesos's table. */

/**
 * As `docs/reconciliation.md`: implicit reconciliation (no tasks listed) answers the latest state of
 * every task the master knows for the framework; explicit reconciliation answers each listed task:
 * its latest state when known, else by what the master knows of the agent (registered: TASK_GONE,
 * unreachable: TASK_UNREACHABLE, unknown: TASK_UNKNOWN, for partition-aware frameworks; TASK_LOST
 * for the others), and no answer while the agent may still re-register after a failover. Pure: the
 * caller sends the answers.
 */

import type { TaskState, TaskStatus } from '../proto/index.js'
import type { TaskEntry } from './tasks.js'

/** What reconciliation reads of the master. */
export interface ReconcileLookup {
  /** the framework's task with this id */
  task(taskId: string): TaskEntry | undefined
  /** every task of the framework */
  tasks(): Iterable<TaskEntry>
  /** the agent is registered */
  isRegistered(agentId: string): boolean
  /** when the agent was marked unreachable (epoch ms), if it is */
  unreachableSince(agentId: string): number | undefined
  /** the agent (or, when undefined, any recovered agent) may still re-register after a failover */
  mayStillReregister(agentId: string | undefined): boolean
}

/** One task of an explicit RECONCILE. */
export interface ReconcileItem {
  task_id: { value: string }
  agent_id?: { value: string }
}

/**
 * The answers to one RECONCILE: `answers` to send (without timestamps), and the `unanswered` items
 * whose agent may still re-register (the scheduler must ask again).
 */
export function reconcile(
  list: ReadonlyArray<ReconcileItem>,
  isPartitionAware: boolean,
  lookup: ReconcileLookup,
): { answers: TaskStatus[]; unanswered: ReconcileItem[] } {
  const answers: TaskStatus[] = []
  const unanswered: ReconcileItem[] = []
  if (list.length === 0) {
    for (const t of lookup.tasks()) answers.push(latest(t))
    return { answers, unanswered }
  }
  for (const item of list) {
    const t = lookup.task(item.task_id.value)
    if (t) {
      answers.push(latest(t))
      continue
    }
    const agentId = item.agent_id?.value
    if (lookup.mayStillReregister(agentId)) {
      unanswered.push(item)
      continue
    }
    const registered = agentId ? lookup.isRegistered(agentId) : false
    const gone = agentId ? lookup.unreachableSince(agentId) : undefined
    let state: TaskState = 'TASK_LOST'
    if (isPartitionAware) state = registered ? 'TASK_GONE' : gone !== undefined ? 'TASK_UNREACHABLE' : 'TASK_UNKNOWN'
    answers.push({
      ...BASE,
      task_id: item.task_id,
      state,
      agent_id: item.agent_id,
      message: gone !== undefined ? 'Reconciliation: Task is unreachable' : 'Reconciliation: Task is unknown',
      unreachable_time: nanos(gone),
    })
  }
  return { answers, unanswered }
}

const BASE = { source: 'SOURCE_MASTER' as const, reason: 'REASON_RECONCILIATION' }

/** A known task's latest state. */
function latest(t: TaskEntry): TaskStatus {
  return {
    ...BASE,
    task_id: t.info.task_id,
    state: t.state,
    agent_id: { value: t.agentId },
    executor_id: t.info.executor?.executor_id,
    data: t.status?.data,
    message: 'Reconciliation: Latest task state',
    unreachable_time: nanos(t.unreachableSince),
  }
}

function nanos(ms: number | undefined): { nanoseconds: number } | undefined {
  return ms === undefined ? undefined : { nanoseconds: ms * 1e6 }
}
