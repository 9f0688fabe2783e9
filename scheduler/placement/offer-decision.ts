/** The decision for one offer: the first startable node it fits, or why none does and how long to refuse the host. */

import type { KafkaNode } from '../../contract/index.js'
import type { Offer } from '../../core-cluster/proto/index.js'
import {
  declineSeconds,
  type Fit,
  hasBrokerRole,
  hasControllerRole,
  isFit,
  type LastDecline,
  matchOffer,
  type Placement,
} from '../brokers/index.js'
import { brokersWaitFor, controllerPlacementConflict, voterNodes } from '../quorum/index.js'
import type { SchedulerState } from '../storage/index.js'

/** Launch `node` on the offer, taking `fit`; or decline it for `refuseSeconds`, with the reason per node. */
export type OfferVerdict =
  | { launch: { node: KafkaNode; fit: Fit } }
  | { decline: { refuseSeconds: number; reasons: string[] } }

/** Where the other brokers' tasks run, in id order: what constraints compare with (mesos/kafka `OfferManager.otherTasksAttributes`). */
export function placements(brokers: readonly KafkaNode[], node: KafkaNode): Placement[] {
  return brokers
    .filter((b) => b !== node && b.task)
    .map((b) => ({ hostname: b.task!.hostname, attributes: b.task!.attributes }))
}

/**
 * Tries every startable node against one offer in order, as mesos/kafka's `OfferManager.tryAcceptOffer`
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/mesos/OfferManager.scala`): a controller first
 * must not land beside another controller (quorum/controller-placement.ts), then matchOffer
 * (resources, constraints against the other brokers, maintenance, stickiness, failover). The first
 * fit launches; otherwise the refuse time is the shortest wait (brokers/matching.ts `declineSeconds`).
 * Records in `waiting` why each node was not placed, for `broker list` (in memory; no I/O).
 * @param startable the nodes that need a place, asked after the brokers waiting for the quorum are noted
 */
export function decideOffer(
  offer: Offer,
  state: Pick<SchedulerState, 'brokers' | 'controllers' | 'quorumChange'>,
  waiting: Map<number, LastDecline>,
  startable: () => KafkaNode[],
  now = Date.now(),
): OfferVerdict {
  const reasons: string[] = []
  const waits: number[] = []
  const quorumWait = brokersWaitFor(voterNodes(state))
  const waitingBrokers = state.brokers.filter((b) => b.role === 'broker' && b.active && !b.task)
  const waitingForController = waitingBrokers.length > 0 && !!quorumWait
  if (waitingForController)
    for (const b of waitingBrokers) waiting.set(b.id, { reason: quorumWait!, hostname: offer.hostname, time: now })
  for (const node of startable()) {
    if (hasControllerRole(node)) {
      const conflict = controllerPlacementConflict(
        node,
        offer,
        voterNodes(state),
        state.quorumChange?.startedAt ?? now,
        now,
      )
      if (conflict) {
        reasons.push(`controller ${node.id}: ${conflict}`)
        waits.push(5)
        waiting.set(node.id, { reason: conflict, hostname: offer.hostname, time: now })
        continue
      }
    }
    const m = matchOffer(offer, node, now, hasBrokerRole(node) ? placements(state.brokers, node) : [])
    if (isFit(m)) return { launch: { node, fit: m } }
    reasons.push(`${node.role} ${node.id}: ${m.reason}`)
    waits.push(m.retryAfterSeconds)
    waiting.set(node.id, { reason: m.reason, hostname: offer.hostname, time: now })
  }
  if (waitingForController) {
    reasons.push('brokers wait for the KRaft controller to run')
    waits.push(5)
  }
  const refuseSeconds = reasons.length === 0 ? declineSeconds([]) : declineSeconds(waits)
  return { decline: { refuseSeconds, reasons: reasons.length ? reasons : ['no node needs to start'] } }
}
