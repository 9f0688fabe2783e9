/** Outstanding offers: made from the allocator's grants, tracked per framework, taken by ACCEPT, declined with refuse filters, rescinded. */

/**
 * Until a framework accepts, declines or loses an offer, its resources count as allocated to it
 * (`docs/scheduler-http-api.md` OFFERS, RESCIND, ACCEPT, DECLINE). Offers do not outlive a master; a framework that fails over or disconnects gets fresh
 * ones. The refuse filters a DECLINE (or an ACCEPT's unused remainder) installs live here too.
 */

import {
  type AgentInfo,
  type Offer,
  type Resource,
  type scheduler,
  toPreRefinement,
  type Unavailability,
} from '../proto/index.js'
import { OfferFilters } from './filters.js'
import { validateOfferIds } from './validation.js'

/** One outstanding offer: what the framework was sent, and the resources in the master's own format. */
export interface OfferEntry {
  offer: Offer
  /** as the allocator granted them (refinement format), whatever format the framework was sent */
  resources: Resource[]
}

/** What an offer shows of its agent. */
export interface OfferedAgent {
  id: string
  info: AgentInfo
  /** keys `<frameworkId>/<executorId>` of the executors on the agent */
  executors: ReadonlyMap<string, unknown>
}

/** What the offers need of the rest of the master. */
export interface OffersDeps {
  /** a new offer id (Mesos `<masterId>-O<n>`) */
  mintId(): string
  /** sends an event to a framework, if it is subscribed */
  send(frameworkId: string, event: scheduler.Event): void
  /** resources went back to the allocator: schedule an allocation run */
  released(): void
  /** Mesos `--allocation_interval` (ms): a refuse filter lasts at least that long */
  allocationIntervalMs: number
}

/** The outstanding offers and the refuse filters. */
export class Offers {
  private readonly byId = new Map<string, OfferEntry>()
  /** framework id → its offer ids, in the order they were made */
  private readonly byFramework = new Map<string, Set<string>>()
  private readonly filters = new OfferFilters()

  constructor(private readonly deps: OffersDeps) {}

  get(offerId: string): OfferEntry | undefined {
    return this.byId.get(offerId)
  }

  values(): IterableIterator<OfferEntry> {
    return this.byId.values()
  }

  /** A framework's outstanding offer ids, oldest first. */
  ofFramework(frameworkId: string): string[] {
    return [...(this.byFramework.get(frameworkId) ?? [])]
  }

  /**
   * Makes and records one offer of `resources` on `agent` for a framework. Frameworks without
   * RESERVATION_REFINEMENT see reservations in the pre-refinement format (`docs/reservation.md`); an
   * agent on a machine scheduled for maintenance gives the offer its `unavailability`
   * (`docs/maintenance.md`). `url` is always set, as Mesos (the npm `mesos-framework` client reads it).
   */
  make(
    frameworkId: string,
    agent: OfferedAgent,
    resources: Resource[],
    options: { refinement: boolean; unavailability?: Unavailability },
  ): Offer {
    const offer: Offer = {
      id: { value: this.deps.mintId() },
      framework_id: { value: frameworkId },
      agent_id: { value: agent.id },
      hostname: agent.info.hostname,
      url: {
        scheme: 'http',
        address: { hostname: agent.info.hostname, ip: agent.info.hostname, port: agent.info.port ?? 5051 },
        path: '/slave(1)',
      },
      resources:
        options.refinement || !resources.some((r) => r.reservations?.length)
          ? resources
          : resources.map(toPreRefinement),
      attributes: agent.info.attributes ?? [],
      executor_ids: [...agent.executors.keys()]
        .filter((k) => k.startsWith(`${frameworkId}/`))
        .map((k) => ({ value: k.slice(frameworkId.length + 1) })),
    }
    if (options.unavailability) offer.unavailability = options.unavailability
    this.byId.set(offer.id.value, { offer, resources })
    let mine = this.byFramework.get(frameworkId)
    if (!mine) this.byFramework.set(frameworkId, (mine = new Set()))
    mine.add(offer.id.value)
    return offer
  }

  /**
   * ACCEPT takes its offers: all valid (./validation.ts `validateOfferIds`) or none.
   * @returns the offers, now no longer outstanding, or the problem (nothing taken)
   */
  take(frameworkId: string, ids: ReadonlyArray<{ value: string }>): OfferEntry[] | string {
    const taken = validateOfferIds(frameworkId, ids, (id) => this.byId.get(id))
    if (typeof taken === 'string') return taken
    for (const o of taken) this.forget(frameworkId, o.offer.id.value)
    return taken
  }

  /**
   * DECLINE: the framework's offers among `ids` go back, each with a refuse filter of
   * `refuseSeconds` (./filters.ts); ids that are not its outstanding offers are ignored.
   */
  decline(frameworkId: string, ids: ReadonlyArray<{ value: string }>, refuseSeconds: number | undefined): void {
    for (const { value } of ids) {
      const entry = this.byId.get(value)
      if (!entry || entry.offer.framework_id.value !== frameworkId) continue
      this.forget(frameworkId, value)
      this.refuse(frameworkId, entry.offer.agent_id.value, entry.resources, refuseSeconds)
    }
    this.deps.released()
  }

  /** Installs a refuse filter from now: the framework is not offered these resources of the agent again for a while. */
  refuse(frameworkId: string, agentId: string, resources: Resource[], refuseSeconds: number | undefined): void {
    this.filters.add(frameworkId, agentId, resources, refuseSeconds, Date.now(), this.deps.allocationIntervalMs)
  }

  /** True when a refuse filter keeps these resources of the agent from the framework at `now` (epoch ms). */
  isFiltered(frameworkId: string, agentId: string, resources: Resource[], now: number): boolean {
    return this.filters.isFiltered(frameworkId, agentId, resources, now)
  }

  /** REVIVE (and un-suppressing): the framework's refuse filters are dropped. */
  clearFilters(frameworkId: string): void {
    this.filters.clearFramework(frameworkId)
  }

  /** The agent left the cluster: its refuse filters are dropped. */
  clearAgentFilters(agentId: string): void {
    this.filters.clearAgent(agentId)
  }

  /**
   * The framework's offers go back to the allocator (failover, disconnection, SUPPRESS, a role
   * change, teardown, a quota change); with `rescind` it is told (RESCIND per offer).
   */
  recover(frameworkId: string, rescind: boolean): void {
    for (const offerId of this.byFramework.get(frameworkId) ?? []) {
      if (rescind) this.deps.send(frameworkId, { type: 'RESCIND', rescind: { offer_id: { value: offerId } } })
      this.byId.delete(offerId)
    }
    this.byFramework.delete(frameworkId)
    this.deps.released()
  }

  /** Every offer of an agent is rescinded (its link broke, it left, or its resources change). */
  rescindAgent(agentId: string): void {
    for (const [offerId, o] of this.byId) {
      if (o.offer.agent_id.value !== agentId) continue
      const frameworkId = o.offer.framework_id.value
      this.deps.send(frameworkId, { type: 'RESCIND', rescind: { offer_id: { value: offerId } } })
      this.forget(frameworkId, offerId)
    }
  }

  private forget(frameworkId: string, offerId: string): void {
    this.byId.delete(offerId)
    this.byFramework.get(frameworkId)?.delete(offerId)
  }
}
