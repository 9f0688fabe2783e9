/** Asking Kafka about the KRaft quorum (DescribeQuorum v2) through the voters' controller listeners and the running brokers. */

import { describeQuorum, type QuorumDescription } from '../kafka/index.js'
import type { SchedulerState } from '../storage/index.js'
import { bootstrapServers, voterNodes } from './voters.js'

/** Whom to ask first: the voters' controller listeners, or the running brokers (which forward the request). */
export type QuorumContactOrder = 'voters-first' | 'brokers-first'

/** `host:port` of every node that can answer DescribeQuorum: the placed voters and the running brokers, in `order`. */
export function quorumContacts(
  state: Pick<SchedulerState, 'controllers' | 'brokers'>,
  order: QuorumContactOrder,
): string[] {
  const brokers = state.brokers.filter((b) => b.task?.state === 'running').map((b) => b.task!.endpoint)
  const voters = bootstrapServers(voterNodes(state)).split(',').filter(Boolean)
  return order === 'voters-first' ? [...voters, ...brokers] : [...brokers, ...voters]
}

/**
 * Kafka's own view of the quorum (DescribeQuorum v2, KIP-853), asked of {@link quorumContacts} in
 * turn until one answers. @throws Error when no node answers within `timeoutMs` each
 */
export function describeRunningQuorum(
  state: Pick<SchedulerState, 'controllers' | 'brokers'>,
  order: QuorumContactOrder,
  timeoutMs: number,
): Promise<QuorumDescription> {
  return describeQuorum(quorumContacts(state, order), timeoutMs)
}
