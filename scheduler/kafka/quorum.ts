import { CONTROLLER_BASE_ID, type KafkaNode, newKafkaUuid } from '../../contract/index.js'
import type { Offer } from '../../core-cluster/proto/index.js'
import { newNode } from '../brokers/broker.js'
import { type Fit, isFit, matchOffer, offerAttributes } from '../brokers/matching.js'

/** Quorum sizes we form: an odd number of voters, as Kafka's docs advise (1 for tiny clusters). */
export const QUORUM_SIZES = [1, 3, 5] as const

/** Creates `count` inactive controller nodes (ids CONTROLLER_BASE_ID + i) with fresh directory ids. */
export function newControllers(count: number, resources: { cpus: number; mem: number; heap: number }): KafkaNode[] {
  return Array.from({ length: count }, (_, i) => {
    const n = newNode(CONTROLLER_BASE_ID + i, 'controller')
    n.cpus = resources.cpus
    n.mem = resources.mem
    n.heap = resources.heap
    n.directoryId = newKafkaUuid()
    // A controller that fails is restarted soon on its own host: the quorum needs it back.
    n.failover.delayMs = 5_000
    n.failover.maxDelayMs = 60_000
    return n
  })
}

/** `host:port` of a placed controller (its host and port are fixed once the quorum is formed). */
export function controllerEndpoint(node: KafkaNode): string | undefined {
  if (node.role === 'broker,controller')
    return node.stickiness.hostname && node.controllerPort
      ? `${node.stickiness.hostname}:${node.controllerPort}`
      : undefined
  if (!node.stickiness.hostname || !node.port) return undefined
  return `${node.stickiness.hostname}:${node.port.start}`
}

/** The controllers that are (or were formed as) voters: all but those still joining (KIP-853 add in progress). */
export function voters(controllers: readonly KafkaNode[]): KafkaNode[] {
  return controllers.filter((c) => c.membership !== 'joining')
}

/** True once the voter set was fixed (every voter has a host and a port). */
export function quorumPlaced(controllers: readonly KafkaNode[]): boolean {
  const v = voters(controllers)
  return v.length > 0 && v.every((c) => controllerEndpoint(c) !== undefined)
}

/** `controller.quorum.bootstrap.servers` for every node: the voters' endpoints. */
export function bootstrapServers(controllers: readonly KafkaNode[]): string {
  return voters(controllers)
    .map(controllerEndpoint)
    .filter((e): e is string => !!e)
    .join(',')
}

/**
 * Whether brokers may start: the voter set is placed and a majority of controllers runs (a quorum
 * can elect a leader). Returns the reason when not, for `broker list`.
 */
export function brokersWaitFor(all: readonly KafkaNode[]): string | undefined {
  const controllers = voters(all)
  if (controllers.length === 0) return 'waiting for the KRaft controllers to be created'
  const stopped = controllers.filter((c) => !c.active && !c.task)
  if (!quorumPlaced(controllers) && stopped.length > 0)
    return `waiting for the KRaft quorum: voter${stopped.length > 1 ? 's' : ''} ${stopped.map((c) => c.id).join(',')} not started (broker start ${stopped.map((c) => c.id).join(',')})`
  if (!quorumPlaced(controllers))
    return `waiting for the KRaft quorum: ${controllers.length} controllers need offers on ${controllers.length} distinct hosts`
  const running = controllers.filter((c) => c.task?.state === 'running').length
  const majority = Math.floor(controllers.length / 2) + 1
  if (running < majority)
    return `waiting for the KRaft quorum: ${running} of ${controllers.length} controllers running, ${majority} needed`
  return undefined
}

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

/** The `--initial-controllers` list of a placed gang: `id@host:port:directoryId,...` (KIP-853). */
export function initialControllersList(placements: readonly GangPlacement[]): string {
  return placements
    .map((p) => `${p.node.id}@${p.offer.hostname}:${p.fit.controllerPort ?? p.fit.port}:${p.node.directoryId}`)
    .join(',')
}
