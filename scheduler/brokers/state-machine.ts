import { isTerminal, type TaskStatus } from '../../core-cluster/proto/index.js'
import type { KafkaNode } from './broker.js'

/** What the scheduler must do after applying a status update to a node. */
export type Reaction =
  | { kind: 'none' }
  | { kind: 'kill'; why: string }
  | { kind: 'failed'; deactivated: boolean }
  | { kind: 'stopped' }
  | { kind: 'running' }
  | { kind: 'lost' }

/**
 * Applies a Mesos TaskStatus to the node that owns the task, as mesos/kafka's status-update state
 * machine (§3.5): pending → starting → running; a terminal update clears the task; an unexpected
 * end counts a failure (failover back-off, deactivation at max tries); a running task while
 * stopping is killed again. Mutates `node`.
 */
export function applyStatus(node: KafkaNode, status: TaskStatus, now = Date.now()): Reaction {
  const task = node.task
  if (!task || task.id !== status.task_id.value) return { kind: 'none' }
  const state = status.state
  if (isTerminal(state)) {
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
      return { kind: 'stopped' }
    }
    // Stickiness: the first failure of a run of failures sets the stop time (§6).
    if (node.failover.failures === 0) node.stickiness.stopTime = now
    node.failover.failures += 1
    node.failover.failureTime = now
    const max = node.failover.maxTries
    const deactivated = max !== undefined && node.failover.failures >= max
    if (deactivated) node.active = false
    return { kind: 'failed', deactivated }
  }
  if (state === 'TASK_KILLING') return { kind: 'none' }
  if (task.state === 'stopping' && (state === 'TASK_STARTING' || state === 'TASK_RUNNING')) return { kind: 'kill', why: 'node is being stopped' }
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
    return wasRunning ? { kind: 'none' } : { kind: 'running' }
  }
  return { kind: 'none' }
}
