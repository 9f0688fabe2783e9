/** What launching a node on an offer records on the node: its task, the options it runs with, and a late controller's pin. */

import type { KafkaNode } from '../../contract/index.js'
import type { Offer, TaskInfo } from '../../core-cluster/proto/index.js'
import { type Fit, hasControllerRole } from '../brokers/index.js'

/**
 * Records a node's launch on `offer` (mutates `node`; no I/O): the task (`pending`, its endpoint
 * known at launch, mesos/kafka#310), no restart pending, the options it launches with, the dynamic
 * configs set live for the last task marked stale (they would outrank the new server.properties), and
 * a controller added later pinned to the host where its metadata log will be formatted.
 */
export function recordLaunch(node: KafkaNode, offer: Offer, fit: Fit, task: TaskInfo): void {
  const { port, attributes } = fit
  node.task = {
    id: task.task_id.value,
    slaveId: offer.agent_id.value,
    executorId: task.executor!.executor_id.value,
    hostname: offer.hostname,
    endpoint: `${offer.hostname}:${port}`,
    attributes,
    state: 'pending',
  }
  node.needsRestart = false
  node.restartFields = undefined
  node.launchedOptions = { ...node.options }
  // Overrides set live for the last task would outrank the new server.properties: drop them once it runs.
  if (node.dynamicConfigs && Object.keys(node.dynamicConfigs).length > 0)
    node.staleDynamicConfigs = { ...node.staleDynamicConfigs, ...node.dynamicConfigs }
  node.dynamicConfigs = undefined
  if (hasControllerRole(node) && !node.stickiness.hostname) {
    // a controller added later is pinned where its metadata log is formatted, as the gang's are
    node.stickiness.hostname = offer.hostname
    if (node.role === 'controller') node.port = { start: port, end: port }
    else node.controllerPort = fit.controllerPort
  }
}
