/** Refuse filters: after a DECLINE, which resources of an agent a framework is not offered again, and until when. */

import { containsResources, type Resource } from '../proto/index.js'

/**
 * Refuse filters per (framework, agent): after a DECLINE with `refuse_seconds`, the agent's resources
 * are not offered again to that framework until the filter expires, **unless** the agent now has
 * resources that are not a subset of the refused ones (Mesos subset semantics: `include/mesos/v1/mesos.proto` Filters,
 * `src/master/allocator/mesos/hierarchical.cpp` RefusedOfferFilter).
 */
export class OfferFilters {
  private readonly filters = new Map<string, { resources: Resource[]; expiresAt: number }>()

  /**
   * Installs a filter. `refuseSeconds` is clamped as Mesos does: absent or negative means 5 s,
   * 0 means no filter, at most 365 days, at least the allocation interval.
   */
  add(
    frameworkId: string,
    agentId: string,
    resources: Resource[],
    refuseSeconds: number | undefined,
    now: number,
    allocationIntervalMs: number,
  ): void {
    let seconds =
      refuseSeconds === undefined || !Number.isFinite(refuseSeconds) || refuseSeconds < 0 ? 5 : refuseSeconds
    if (seconds === 0) return
    seconds = Math.min(seconds, 365 * 24 * 3600)
    const ms = Math.max(seconds * 1000, allocationIntervalMs)
    this.filters.set(`${frameworkId}/${agentId}`, { resources, expiresAt: now + ms })
  }

  /** True when the framework has refused these resources of this agent and the filter has not expired. */
  isFiltered(frameworkId: string, agentId: string, available: Resource[], now: number): boolean {
    const key = `${frameworkId}/${agentId}`
    const f = this.filters.get(key)
    if (!f) return false
    if (now >= f.expiresAt) {
      this.filters.delete(key)
      return false
    }
    return containsResources(f.resources, available)
  }

  /** Earliest expiry among the filters, for scheduling the next allocation run (epoch ms). */
  nextExpiry(): number | undefined {
    let min: number | undefined
    for (const f of this.filters.values()) if (min === undefined || f.expiresAt < min) min = f.expiresAt
    return min
  }

  /** REVIVE: drops every filter of a framework. */
  clearFramework(frameworkId: string): void {
    for (const key of this.filters.keys()) if (key.startsWith(`${frameworkId}/`)) this.filters.delete(key)
  }

  clearAgent(agentId: string): void {
    for (const key of this.filters.keys()) if (key.endsWith(`/${agentId}`)) this.filters.delete(key)
  }
}
