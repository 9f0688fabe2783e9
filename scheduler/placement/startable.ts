/** Which nodes need a place now: the voters of a placed quorum without a task, and brokers once the quorum can serve them. */

import type { KafkaNode } from '../../contract/index.js'
import { brokerQuorum, quorumPlaced, voterNodes } from '../quorum/index.js'
import type { SchedulerState } from '../storage/index.js'

/**
 * The nodes an offer may launch, controllers first: active voters without a task once the quorum is
 * placed (a quorum not yet placed starts as a gang, never one by one: placement/offers.ts), then
 * active plain brokers without a task once the quorum lets brokers start (quorum/voters.ts
 * `brokersWaitFor`).
 */
export function startableNodes(state: Pick<SchedulerState, 'brokers' | 'controllers'>): KafkaNode[] {
  const voters = voterNodes(state)
  const controllers = quorumPlaced(voters) ? voters.filter((n) => n.active && !n.task) : []
  const brokers = brokerQuorum(voters) ? state.brokers.filter((n) => n.role === 'broker' && n.active && !n.task) : []
  return [...controllers, ...brokers]
}
