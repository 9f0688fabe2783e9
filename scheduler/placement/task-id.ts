/** Task ids of Kafka nodes: `<framework>-<id>-<uuid>`, controllers `<framework>-controller-<id>-<uuid>`, and the node id read back. */

import type { KafkaNode } from '../../contract/index.js'

/** The task name of a node (`<framework>-<id>`, controllers `<framework>-controller-<id>`): the task id without its uuid. */
export function taskName(frameworkName: string, node: Pick<KafkaNode, 'id' | 'role'>): string {
  const prefix = node.role === 'controller' ? `${frameworkName}-controller` : frameworkName
  return `${prefix}-${node.id}`
}

/**
 * A node's task id: its task name and a fresh uuid, as mesos/kafka's `Broker.nextTaskId`
 * (`src/scala/main/ly/stealth/mesos/kafka/Broker.scala`); the executor gets the same id.
 */
export function newTaskId(frameworkName: string, node: Pick<KafkaNode, 'id' | 'role'>, uuid: string): string {
  return `${taskName(frameworkName, node)}-${uuid}`
}

/** The node id in a task id made by {@link newTaskId}, or undefined for any other id. */
export function nodeIdFromTaskId(taskId: string): number | undefined {
  const m = /-(\d+)-[0-9a-f-]{36}$/.exec(taskId)
  return m ? Number(m[1]) : undefined
}
