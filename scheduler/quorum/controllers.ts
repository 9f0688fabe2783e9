/** The dedicated KRaft controller nodes the scheduler creates: their ids, resources and failover settings. */

import { CONTROLLER_BASE_ID, type KafkaNode, newKafkaUuid } from '../../contract/index.js'
import { newNode } from '../brokers/index.js'

/** The resources of a controller: cpus, mem MB, heap MB. */
export interface ControllerResources {
  cpus: number
  mem: number
  heap: number
}

/**
 * A new, inactive controller node with fresh directory id: `resources`, and the short failover
 * delays a voter needs (it is restarted soon on its own host, where its metadata log is).
 */
export function newController(id: number, resources: ControllerResources): KafkaNode {
  const n = newNode(id, 'controller')
  n.cpus = resources.cpus
  n.mem = resources.mem
  n.heap = resources.heap
  n.directoryId = newKafkaUuid()
  // A controller that fails is restarted soon on its own host: the quorum needs it back.
  n.failover.delayMs = 5_000
  n.failover.maxDelayMs = 60_000
  return n
}

/** Creates `count` inactive controller nodes (ids CONTROLLER_BASE_ID + i) with fresh directory ids. */
export function newControllers(count: number, resources: ControllerResources): KafkaNode[] {
  return Array.from({ length: count }, (_, i) => newController(CONTROLLER_BASE_ID + i, resources))
}
