/** `broker add`: new, inactive brokers with the given settings; combined `broker,controller` nodes only while a quorum forms. */

import type { Logger } from 'pino'
import { type KafkaNode, newKafkaUuid } from '../../contract/index.js'
import { newNode } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { quorumPlaced } from '../quorum/index.js'
import { brokerIds, checkNewIds, refuseExisting } from './node-ids.js'
import { BrokerRefused } from './refused.js'
import { applySettings, checkResources, type NodeSettings } from './settings.js'

/**
 * Adds brokers (mesos/kafka's `add`, `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`):
 * inactive, with mesos/kafka's defaults and the given settings, stored in id order. A combined
 * `broker,controller` node is a voter from the start, so it can only be added while no quorum exists.
 * @returns the new brokers
 * @throws ExprError; BrokerRefused 400: no ids, controller ids, `Broker N already exists`
 *   (KM_ERR_EXISTS), a combined node for a formed quorum; KM_ERR_SIZING for a heap, mem and options that cannot start Kafka
 */
export async function addBrokers(
  scheduler: KafkaScheduler,
  p: NodeSettings & { broker: string },
  log: Logger,
): Promise<KafkaNode[]> {
  const list = brokerIds(scheduler, p.broker)
  checkNewIds(list, p.broker, 'give ids such as 0..2')
  refuseExisting(scheduler, list, 'Broker')
  if (p.role === 'broker,controller') {
    // A combined node is a voter from the start: it can only be part of the quorum as it is formed.
    if (scheduler.state.controllers.length > 0 || quorumPlaced(scheduler.voterNodes())) {
      throw new BrokerRefused(
        'role: broker,controller nodes can only form a new KRaft quorum, and this cluster already has one; add a broker (role broker) and grow the quorum with: controller add',
      )
    }
  }
  const added = list.map((id) => {
    const node = newNode(id, p.role ?? 'broker')
    if (node.role === 'broker,controller') {
      node.directoryId = newKafkaUuid()
      // a voter failing is restarted soon on its own host: the quorum needs it back
      node.failover.delayMs = 5_000
      node.failover.maxDelayMs = 60_000
    }
    applySettings(node, p)
    checkResources(node)
    return node
  })
  scheduler.state.brokers.push(...added)
  scheduler.state.brokers.sort((a, b) => a.id - b.id)
  await scheduler.save()
  log.info({ brokers: list }, 'brokers added')
  return added
}
