/** Gang placement of a new KRaft quorum: every voter on a host (and rack) of its own, all at once. */

import type { KafkaNode } from '../../contract/index.js'
import type { Offer } from '../../core-cluster/proto/index.js'
import { type Fit, isFit, matchOffer, offerAttributes } from '../brokers/index.js'

/** One controller placed on one offer. */
export interface GangPlacement {
  node: KafkaNode
  offer: Offer
  fit: Fit
}

/** The `rack` attribute of an offer, if its agent has one. */
export function offerRack(offer: Offer): string | undefined {
  return offerAttributes(offer).rack
}

/**
 * Gang placement of a new quorum (issue 7): every controller on its own host, all at once, so each
 * starts knowing the full voter set. Where the offering agents carry a `rack` attribute and there
 * are at least as many racks as controllers, every controller also gets its own rack (a rack failure
 * then costs one voter); otherwise distinct hosts. Tries the offers (one per host is enough) with
 * backtracking; N ≤ 5, so the search is tiny.
 * @returns the placements, or the reason it cannot be done with these offers
 */
export function placeGang(
  controllers: readonly KafkaNode[],
  offers: readonly Offer[],
  now = Date.now(),
): GangPlacement[] | string {
  const byHost = new Map<string, Offer>()
  for (const o of offers) if (!byHost.has(o.hostname)) byHost.set(o.hostname, o)
  const hosts = [...byHost.values()]
  if (hosts.length < controllers.length)
    return `a quorum of ${controllers.length} controllers needs ${controllers.length} distinct hosts; offers came from ${hosts.length}`
  const racks = new Set(hosts.map(offerRack).filter((r): r is string => r !== undefined))
  const byRack = hosts.every((o) => offerRack(o) !== undefined) && racks.size >= controllers.length
  const reasons = new Set<string>()
  const search = (distinctRacks: boolean): GangPlacement[] | undefined => {
    const chosen: GangPlacement[] = []
    const used = new Set<string>()
    const step = (i: number): boolean => {
      if (i === controllers.length) return true
      for (const offer of hosts) {
        const key = distinctRacks ? offerRack(offer)! : offer.hostname
        if (used.has(key)) continue
        const m = matchOffer(offer, controllers[i], now)
        if (!isFit(m)) {
          reasons.add(m.reason)
          continue
        }
        used.add(key)
        chosen.push({ node: controllers[i], offer, fit: m })
        if (step(i + 1)) return true
        chosen.pop()
        used.delete(key)
      }
      return false
    }
    return step(0) ? chosen : undefined
  }
  const placed = (byRack ? search(true) : undefined) ?? search(false)
  if (placed) return placed
  return `no placement of ${controllers.length} controllers on distinct hosts fits these offers (${[...reasons].join('; ') || 'no offer fits'})`
}

/** The `--initial-controllers` list of a placed gang: `id@host:port:directoryId,...` (KIP-853). */
export function initialControllersList(placements: readonly GangPlacement[]): string {
  return placements
    .map((p) => `${p.node.id}@${p.offer.hostname}:${p.fit.controllerPort ?? p.fit.port}:${p.node.directoryId}`)
    .join(',')
}
