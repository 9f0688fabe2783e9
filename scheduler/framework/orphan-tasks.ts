/** Updates for a task no node owns: re-attach a node's last task that still runs, else kill it. */

import type { KafkaNode } from '../../contract/index.js'
import { isTerminal, type TaskStatus } from '../../core-cluster/proto/index.js'
import { nodeIdFromTaskId } from '../placement/index.js'

/** What to do with an update for a task no node owns. */
export type OrphanVerdict =
  | { kind: 'ignore' }
  | { kind: 'reattach'; node: KafkaNode; task: NonNullable<KafkaNode['task']> }
  | { kind: 'kill' }

/**
 * The orphan rule of mesos/kafka's status handling
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/BrokerLifecycleManager.scala`): a RUNNING task
 * that is the last task of an active node without a task is re-attached (its endpoint from the
 * status data); any other live task is killed. Nothing is done for a task that ended, is unknown, or
 * is on an unreachable agent (a KILL would only bring the same answer back); should that agent
 * return, the task's RUNNING update decides. Pure.
 */
export function orphanVerdict(status: TaskStatus, nodes: readonly KafkaNode[]): OrphanVerdict {
  if (isTerminal(status.state) || status.state === 'TASK_UNKNOWN' || status.state === 'TASK_UNREACHABLE')
    return { kind: 'ignore' }
  const taskId = status.task_id.value
  const id = nodeIdFromTaskId(taskId)
  const node = id !== undefined ? nodes.find((n) => n.id === id && n.lastTaskId === taskId) : undefined
  if (node?.active && !node.task && status.state === 'TASK_RUNNING' && status.agent_id) {
    const data = status.data ? Buffer.from(status.data, 'base64').toString('utf8') : ''
    return {
      kind: 'reattach',
      node,
      task: {
        id: taskId,
        slaveId: status.agent_id.value,
        executorId: status.executor_id?.value ?? taskId,
        hostname: data.split(':')[0] ?? '',
        endpoint: data,
        attributes: {},
        state: 'running',
      },
    }
  }
  return { kind: 'kill' }
}
