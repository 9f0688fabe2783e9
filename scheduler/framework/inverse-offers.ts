/** Inverse offers (Mesos maintenance): accept for a machine without Kafka nodes, decline and name the nodes otherwise. */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import type { InverseOffer } from '../../core-cluster/proto/index.js'
import type { MasterCall, TryCall } from './master-calls.js'

/** How long an answer to an inverse offer holds before the master asks again (s). */
export const INVERSE_OFFER_REFUSE_SECONDS = 300

/** The nodes whose task runs on the inverse offer's agent. */
export function nodesOnAgent(io: InverseOffer, nodes: readonly KafkaNode[]): KafkaNode[] {
  const agentId = io.agent_id?.value
  return [...new Set(nodes)].filter((n) => n.task && n.task.slaveId === agentId)
}

/** The answer to one inverse offer: ACCEPT when no Kafka node runs there, else DECLINE (pure). */
export function inverseOfferAnswer(io: InverseOffer, onAgent: readonly KafkaNode[]): MasterCall {
  const answer = { inverse_offer_ids: [io.id], filters: { refuse_seconds: INVERSE_OFFER_REFUSE_SECONDS } }
  return onAgent.length === 0
    ? { type: 'ACCEPT_INVERSE_OFFERS', accept_inverse_offers: answer }
    : { type: 'DECLINE_INVERSE_OFFERS', decline_inverse_offers: answer }
}

/**
 * Answers inverse offers (Mesos `docs/maintenance.md`: a machine is scheduled to go down). A Kafka
 * node's data lives on its host, so the scheduler cannot move it away by itself: it DECLINEs and
 * names the nodes in the log, so that the operator moves (reassigns) or stops them before the
 * window; a machine where no node runs is ACCEPTed. New nodes are not placed on draining machines
 * (brokers/matching.ts).
 */
export async function answerInverseOffers(
  offers: readonly InverseOffer[],
  nodes: readonly KafkaNode[],
  tryCall: TryCall,
  log: Logger,
): Promise<void> {
  for (const io of offers) {
    const agentId = io.agent_id?.value
    const onAgent = nodesOnAgent(io, nodes)
    const from = new Date(io.unavailability.start.nanoseconds / 1e6).toISOString()
    if (onAgent.length === 0)
      log.info(
        { agent: agentId, from },
        'an agent without Kafka nodes is scheduled for maintenance: accepted the inverse offer',
      )
    else
      log.warn(
        {
          agent: agentId,
          host: onAgent[0]!.task!.hostname,
          from,
          nodes: onAgent.map((n) => `${n.role} ${n.id}`),
        },
        'a host running Kafka nodes is scheduled for maintenance: declined the inverse offer; move their partitions or stop them before the window',
      )
    await tryCall(inverseOfferAnswer(io, onAgent))
  }
}
