/** Offer matching: what a node takes from an offer (cpus, mem, ports, its volume), or why not and for how long to refuse. */

import { type KafkaNode, substituteId } from '../../contract/index.js'
import {
  attributeText,
  type Offer,
  type Resource,
  rangesOf,
  resourceRole,
  scalarSum,
} from '../../core-cluster/proto/index.js'
import { failoverUntil, hasControllerRole, stickyUntil } from './broker.js'
import { checkConstraints, type Placement, parseConstraints } from './constraints.js'

/** Refuse time for offers that can never fit (mesos/kafka's `OfferResult.neverMatch`, `src/scala/main/ly/stealth/mesos/kafka/scheduler/mesos/OfferManager.scala`: 3600 s). */
export const NEVER_MATCH_SECONDS = 3600

/** Why an offer does not fit a node. `retryAfterSeconds` becomes the decline's refuse_seconds. */
export interface Mismatch {
  reason: string
  /** seconds until the node could accept offers from this host; NEVER_MATCH_SECONDS when never */
  retryAfterSeconds: number
}

/** What a node takes from an offer. */
export interface Fit {
  port: number
  /** combined broker,controller nodes: the CONTROLLER listener port (a second port of the offer) */
  controllerPort?: number
  resources: Resource[]
  attributes: Record<string, string>
  /** the node's persistent volume (`--volume`) as offered: its id and where the task sees it, relative to the sandbox */
  volume?: { id: string; containerPath: string }
}

/** Text attributes of an offer as `{name: value}` (mesos/kafka keeps only these for expressions). */
export function offerAttributes(offer: Offer): Record<string, string> {
  const out: Record<string, string> = {}
  for (const a of offer.attributes ?? []) out[a.name] = attributeText(a)
  return out
}

/** Takes `amount` of a scalar from the offer, the role's reserved resources first, then `*` (mesos/kafka's `Broker.getReservation`). */
function takeScalar(offer: Offer, name: string, amount: number): Resource[] | undefined {
  const pools = (offer.resources ?? []).filter((r) => r.name === name && r.type === 'SCALAR')
  pools.sort((a, b) => (resourceRole(a) === '*' ? 1 : 0) - (resourceRole(b) === '*' ? 1 : 0))
  const out: Resource[] = []
  let left = Math.round(amount * 1000) / 1000
  for (const p of pools) {
    if (left <= 0) break
    const take = Math.min(left, p.scalar?.value ?? 0)
    if (take <= 0) continue
    out.push({
      name,
      type: 'SCALAR',
      scalar: { value: Math.round(take * 1000) / 1000 },
      ...(resourceRole(p) !== '*' ? { role: resourceRole(p), reservation: p.reservation } : {}),
    })
    left = Math.round((left - take) * 1000) / 1000
  }
  return left > 1e-9 ? undefined : out
}

/** The port a node gets: the lowest offered port inside its range, or the lowest offered port (mesos/kafka's `Broker.getReservation`); never one in `taken`. */
export function pickPort(
  offer: Offer,
  node: Pick<KafkaNode, 'port'>,
  taken: readonly number[] = [],
): number | undefined {
  for (const r of rangesOf(offer.resources, 'ports')) {
    const lo = node.port ? Math.max(r.begin, node.port.start) : r.begin
    const hi = node.port ? Math.min(r.end, node.port.end) : r.end
    for (let p = lo; p <= hi && p < lo + taken.length + 1; p++) if (!taken.includes(p)) return p
  }
  return undefined
}

/** Whether the offer includes `port`. */
function offersPort(offer: Offer, port: number): boolean {
  return rangesOf(offer.resources, 'ports').some((r) => r.begin <= port && port <= r.end)
}

/** Container path a volume without `disk.volume.container_path` is seen at (mesos/kafka's `src/scala/main/ly/stealth/mesos/kafka/scheduler/mesos/MesosTaskFactory.scala`: `data`). */
export const DEFAULT_VOLUME_PATH = 'data'

/**
 * The persistent volume a node asks for (`--volume`, `$id` = the node id) in an offer: the `disk`
 * resource whose `disk.persistence.id` equals it, taken whole and exactly as offered (its size,
 * role, reservation and container path), so the task's disk always matches the volume
 * (mesos/kafka bugs #231/#225/#226 came from a recomputed disk size). Undefined when not offered.
 */
export function takeVolume(offer: Offer, id: string): Resource | undefined {
  return (offer.resources ?? []).find((r) => r.name === 'disk' && r.type === 'SCALAR' && r.disk?.persistence?.id === id)
}

/** refuse_seconds for an offer from a machine scheduled for maintenance: the schedule may change. */
export const MAINTENANCE_RETRY_SECONDS = 300

/**
 * Matches an offer against a node in mesos/kafka's order (`Broker.matches`, `Broker.scala`): cpus, mem, port; the persistent
 * volume (`--volume <id>`: a `disk` with that `disk.persistence.id`, see {@link takeVolume}); constraints (constraints.ts,
 * against `others`: where the other brokers' tasks run); maintenance (a draining machine takes only
 * the nodes sticky to it); stickiness host; failover delay. Resource
 * and constraint failures never match (refuse {@link NEVER_MATCH_SECONDS}); stickiness and failover
 * match later (refuse the time left). Returns what to take, or why not and for how long to refuse.
 */
export function matchOffer(
  offer: Offer,
  node: KafkaNode,
  now = Date.now(),
  others: readonly Placement[] = [],
): Fit | Mismatch {
  const cpus = takeScalar(offer, 'cpus', node.cpus)
  if (!cpus)
    return {
      reason: `cpus < ${node.cpus} (offered ${scalarSum(offer.resources, 'cpus')})`,
      retryAfterSeconds: NEVER_MATCH_SECONDS,
    }
  const mem = takeScalar(offer, 'mem', node.mem)
  if (!mem)
    return {
      reason: `mem < ${node.mem} (offered ${scalarSum(offer.resources, 'mem')})`,
      retryAfterSeconds: NEVER_MATCH_SECONDS,
    }
  const port = pickPort(offer, node)
  if (port === undefined)
    return {
      reason: node.port ? `no port in ${node.port.start}..${node.port.end}` : 'no ports offered',
      retryAfterSeconds: NEVER_MATCH_SECONDS,
    }
  let controllerPort: number | undefined
  if (node.role === 'broker,controller') {
    controllerPort =
      node.controllerPort !== undefined
        ? offersPort(offer, node.controllerPort) && node.controllerPort !== port
          ? node.controllerPort
          : undefined
        : pickPort(offer, { port: undefined }, [port])
    if (controllerPort === undefined)
      return {
        reason:
          node.controllerPort !== undefined
            ? `controller port ${node.controllerPort} not offered`
            : 'a broker,controller node needs 2 ports; one offered',
        retryAfterSeconds: NEVER_MATCH_SECONDS,
      }
  }
  let volume: Resource | undefined
  if (node.volume && node.role !== 'controller') {
    const id = substituteId(node.volume, node.id)
    volume = takeVolume(offer, id)
    if (!volume) return { reason: `no persistent volume ${id} offered`, retryAfterSeconds: NEVER_MATCH_SECONDS }
  }
  const attributes = offerAttributes(offer)
  if (node.constraints) {
    const failed = checkConstraints(
      parseConstraints(node.constraints),
      { hostname: offer.hostname, attributes },
      others,
    )
    if (failed) return { reason: failed, retryAfterSeconds: NEVER_MATCH_SECONDS }
  }
  // A KRaft controller's host holds its metadata log and is its identity in the voter set: it is
  // sticky to that host for good (issue 7), not just for the stickiness period.
  if (hasControllerRole(node) && node.stickiness.hostname && node.stickiness.hostname !== offer.hostname) {
    return {
      reason: `controller is pinned to its host ${node.stickiness.hostname}, where its metadata log lives`,
      retryAfterSeconds: NEVER_MATCH_SECONDS,
    }
  }
  // A machine scheduled for maintenance (its offers carry the unavailability) takes no new placement,
  // as Marathon's maintenance mode; a node whose data lives there may still restart on it.
  if (offer.unavailability && node.stickiness.hostname !== offer.hostname) {
    const from = new Date(offer.unavailability.start.nanoseconds / 1e6).toISOString()
    return {
      reason: `host ${offer.hostname} is scheduled for maintenance from ${from}`,
      retryAfterSeconds: MAINTENANCE_RETRY_SECONDS,
    }
  }
  const sticky = stickyUntil(node)
  if (sticky !== undefined && sticky > now && node.stickiness.hostname !== offer.hostname) {
    return {
      reason: `hostname != stickiness host ${node.stickiness.hostname}`,
      retryAfterSeconds: Math.ceil((sticky - now) / 1000),
    }
  }
  const until = failoverUntil(node)
  if (until !== undefined && until > now) {
    return {
      reason: `waiting ${Math.ceil((until - now) / 1000)}s to restart after failure`,
      retryAfterSeconds: Math.ceil((until - now) / 1000),
    }
  }
  const ports = [port, ...(controllerPort !== undefined ? [controllerPort] : [])]
  const portResource: Resource = {
    name: 'ports',
    type: 'RANGES',
    ranges: { range: ports.map((p) => ({ begin: p, end: p })) },
  }
  return {
    port,
    ...(controllerPort !== undefined ? { controllerPort } : {}),
    resources: [...cpus, ...mem, portResource, ...(volume ? [volume] : [])],
    attributes,
    ...(volume
      ? {
          volume: {
            id: volume.disk!.persistence!.id,
            containerPath: volume.disk?.volume?.container_path || DEFAULT_VOLUME_PATH,
          },
        }
      : {}),
  }
}

export function isFit(m: Fit | Mismatch): m is Fit {
  return (m as Fit).resources !== undefined
}

/**
 * refuse_seconds for a declined offer: the shortest per-node wait plus ±1/6 jitter; an hour
 * ({@link NEVER_MATCH_SECONDS}) when no node waits. `random` in [0,1).
 *
 * mesos/kafka (`OfferManager.tryAcceptOffer`) took the *largest* wait, so a broker due to restart on this host in 5 s was
 * starved for an hour when another broker could never match the host (resources, constraints).
 * The shortest wait is the longest the host may be refused without delaying any broker.
 */
export function declineSeconds(waits: number[], random: () => number = Math.random): number {
  const base = waits.length > 0 ? Math.min(...waits) : NEVER_MATCH_SECONDS
  const jitter = (random() * 2 - 1) * (base / 6)
  return Math.max(1, Math.round(base + jitter))
}
