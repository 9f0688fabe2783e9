/** Where a controller added to a running quorum may go: a host, and at first a rack, without a controller. */

import type { KafkaNode } from '../../contract/index.js'
import type { Offer } from '../../core-cluster/proto/index.js'
import { offerRack } from './gang.js'

/** How long a controller added later holds out for a rack of its own before any free host will do (ms). */
export const RACK_PREFERENCE_MS = 30_000

/**
 * Where a controller added to a running quorum (or a voter not yet pinned) may go: never on a host
 * that already has a controller; and, for its first {@link RACK_PREFERENCE_MS} of waiting, not on a
 * rack that already has one either (a rack of its own when the cluster has a free one).
 * @param waitingSince epoch ms since the node has been waiting for a place
 * @returns why the offer does not do, or undefined when it does
 */
export function controllerPlacementConflict(
  node: KafkaNode,
  offer: Offer,
  controllers: readonly KafkaNode[],
  waitingSince: number,
  now = Date.now(),
): string | undefined {
  if (node.stickiness.hostname) return undefined // pinned: matchOffer keeps it on its host
  const others = controllers.filter((c) => c !== node)
  const onHost = others.find((c) => (c.task?.hostname ?? c.stickiness.hostname) === offer.hostname)
  if (onHost) return `controllers go on distinct hosts: ${offer.hostname} already has controller ${onHost.id}`
  const rack = offerRack(offer)
  if (rack !== undefined && now - waitingSince < RACK_PREFERENCE_MS) {
    const onRack = others.find((c) => c.task?.attributes.rack === rack)
    if (onRack)
      return `controllers go on distinct racks: rack ${rack} already has controller ${onRack.id} (any free host after ${RACK_PREFERENCE_MS / 1000}s)`
  }
  return undefined
}
