/** The order of a rolling restart: controllers before brokers, the active controller (the quorum leader) last. */

import type { KafkaNode } from '../../contract/index.js'

/*
 * Following Strimzi's KafkaRoller
 * (`cluster-operator/src/main/java/io/strimzi/operator/cluster/operator/resource/KafkaRoller.java`):
 * controllers before brokers, and the active controller last, even if leadership moves during the
 * roll (it is asked again before each controller).
 */

/**
 * The planned order: controllers in id order with the leader moved last, then brokers in the order
 * given. `leaderId` undefined (quorum unknown): controllers in id order.
 */
export function rollOrder(nodes: readonly KafkaNode[], leaderId?: number): KafkaNode[] {
  const controllers = nodes.filter((n) => n.role === 'controller').sort((a, b) => a.id - b.id)
  const brokers = nodes.filter((n) => n.role !== 'controller')
  const leader = controllers.filter((c) => c.id === leaderId)
  return [...controllers.filter((c) => c.id !== leaderId), ...leader, ...brokers]
}

/**
 * The next controller to restart of those still to do (`pending`, id order): the first that is not
 * the current leader; the leader only when it is the last one left. Asked again before each
 * controller, so a leader that moved during the roll is still rolled last.
 */
export function nextController<T extends { id: number }>(pending: readonly T[], leaderId?: number): T | undefined {
  const sorted = [...pending].sort((a, b) => a.id - b.id)
  return sorted.find((c) => c.id !== leaderId) ?? sorted[0]
}
