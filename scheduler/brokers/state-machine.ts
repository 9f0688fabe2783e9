/** The status-update state machine: a TaskStatus's effect on its node, and giving up a task on an unreachable agent. */

import type { KafkaNode } from '../../contract/index.js'
import { isTerminal, type TaskStatus } from '../../core-cluster/proto/index.js'

/** What the scheduler must do after applying a status update to a node. */
export type Reaction =
  | { kind: 'none' }
  | { kind: 'kill'; why: string }
  | { kind: 'failed'; deactivated: boolean }
  | { kind: 'stopped' }
  | { kind: 'running' }
  | { kind: 'lost' }
  | { kind: 'unreachable' }

/**
 * Applies a Mesos TaskStatus to the node that owns the task, as mesos/kafka's status-update state
 * machine (`onBrokerStatus` in `src/scala/main/ly/stealth/mesos/kafka/scheduler/BrokerLifecycleManager.scala`): pending → starting → running; a terminal update clears the task; an unexpected
 * end counts a failure (failover back-off, deactivation at max tries); a running task while
 * stopping is killed again. Mutates `node`.
 */
export function applyStatus(node: KafkaNode, status: TaskStatus, now = Date.now()): Reaction {
  const task = node.task
  if (!task || task.id !== status.task_id.value) return { kind: 'none' }
  const state = status.state
  // TASK_UNKNOWN (partition-aware reconciliation: neither the task nor its agent is known) is not
  // terminal in Mesos, but for the node the task is gone as surely as with TASK_LOST.
  if (isTerminal(state) || state === 'TASK_UNKNOWN') {
    const expected = task.state === 'stopping'
    node.lastTaskId = task.id
    node.task = undefined
    node.needsRestart = false
    node.restartFields = undefined
    if (status.reason === 'REASON_RECONCILIATION' && !expected) {
      // The master no longer knows the task (e.g. the whole cluster restarted): it is gone, not
      // crashed, so no failure is counted and an active node starts again at once, on the same
      // host while stickiness holds.
      node.stickiness.stopTime = now
      return { kind: 'lost' }
    }
    if (expected) {
      node.stickiness.stopTime = now
      node.failover.failures = 0
      node.failover.failureTime = undefined
      node.failover.reason = undefined
      return { kind: 'stopped' }
    }
    // Stickiness: the first failure of a run of failures sets the stop time (mesos/kafka `Broker.scala`, `registerStop`).
    if (node.failover.failures === 0) node.stickiness.stopTime = now
    node.failover.failures += 1
    node.failover.failureTime = now
    node.failover.reason = failureReason(status)
    const max = node.failover.maxTries
    const deactivated = max !== undefined && node.failover.failures >= max
    if (deactivated) node.active = false
    return { kind: 'failed', deactivated }
  }
  if (state === 'TASK_UNREACHABLE') {
    // The scheduler is PARTITION_AWARE: the task may still run on the lost agent. It is neither
    // restarted nor counted as failed until giveUpUnreachable (after the stickiness period).
    task.unreachableSince ??= status.unreachable_time ? Math.round(status.unreachable_time.nanoseconds / 1e6) : now
    if (task.state !== 'stopping') task.state = 'unreachable'
    return { kind: 'unreachable' }
  }
  // Any other word about the task: its agent is reachable again.
  task.unreachableSince = undefined
  if (task.state === 'unreachable' && state !== 'TASK_RUNNING') task.state = 'starting'
  if (state === 'TASK_KILLING') return { kind: 'none' }
  if (task.state === 'stopping' && (state === 'TASK_STARTING' || state === 'TASK_RUNNING'))
    return { kind: 'kill', why: 'node is being stopped' }
  if (state === 'TASK_STARTING') {
    if (task.state === 'pending') task.state = 'starting'
    return { kind: 'none' }
  }
  if (state === 'TASK_RUNNING') {
    const data = status.data ? Buffer.from(status.data, 'base64').toString('utf8') : ''
    if (/^[^:\s]+:\d+$/.test(data)) task.endpoint = data
    const wasRunning = task.state === 'running'
    task.state = 'running'
    node.stickiness.hostname = task.hostname
    node.stickiness.stopTime = undefined
    node.failover.failures = 0
    node.failover.failureTime = undefined
    node.failover.reason = undefined
    return wasRunning ? { kind: 'none' } : { kind: 'running' }
  }
  return { kind: 'none' }
}

/** Longest failure reason kept on a node (the state file stays small: issue 19 asks at most 1 KB per broker). */
export const MAX_FAILURE_REASON_CHARS = 240

/**
 * A failed task's reason in one line for `broker list`: its TaskStatus.message (the executor's or
 * the agent's words), else its Mesos reason (`REASON_CONTAINER_LIMITATION_MEMORY`, ...), else its state.
 */
export function failureReason(status: TaskStatus): string {
  const text = (status.message ?? '').replace(/\s+/g, ' ').trim() || status.reason || status.state
  return text.length <= MAX_FAILURE_REASON_CHARS ? text : `${text.slice(0, MAX_FAILURE_REASON_CHARS - 1)}…`
}

/** Epoch ms at which the scheduler gives up a task whose agent is unreachable: its stickiness period after it became unreachable. */
export function unreachableGiveUpAt(node: KafkaNode): number | undefined {
  const since = node.task?.unreachableSince
  return since === undefined ? undefined : since + node.stickiness.periodMs
}

/**
 * Gives up the task of a node whose agent has been unreachable for the node's stickiness period
 * (mesos/kafka's stickiness, `Broker.scala`: a node returns to its host within that period, after it may go anywhere): the
 * task is dropped as if it ended at the moment the agent became unreachable. A node being stopped
 * is stopped; otherwise it is a failure (failover back-off and max tries as any failure), so an
 * active node is placed again, on any host. Should the agent come back, its old task is re-attached
 * if the node has no other yet, else killed (the scheduler's orphan rule, framework/orphan-tasks.ts), so no node runs twice
 * once the agent is reachable. Mutates `node`.
 */
export function giveUpUnreachable(node: KafkaNode, now = Date.now()): Reaction {
  const task = node.task
  const since = task?.unreachableSince
  if (!task || since === undefined || now < since + node.stickiness.periodMs) return { kind: 'none' }
  node.lastTaskId = task.id
  node.task = undefined
  node.needsRestart = false
  node.stickiness.stopTime = since
  if (task.state === 'stopping') {
    node.failover.failures = 0
    node.failover.failureTime = undefined
    node.failover.reason = undefined
    return { kind: 'stopped' }
  }
  node.failover.failures += 1
  node.failover.failureTime = since
  node.failover.reason = `its agent ${task.hostname} stayed unreachable for the stickiness period`
  const max = node.failover.maxTries
  const deactivated = max !== undefined && node.failover.failures >= max
  if (deactivated) node.active = false
  return { kind: 'failed', deactivated }
}
