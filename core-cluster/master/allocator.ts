import { resourceRole, scalarSum, type Resource } from '../proto/index.js'

/** What the allocator needs to know of a framework. */
export interface AllocatorFramework {
  id: string
  role: string
  /** Active = subscribed, connected and not suppressed. */
  active: boolean
  /** cpus and mem (MB) currently allocated to it (tasks + outstanding offers). */
  allocated: { cpus: number; mem: number }
}

/** What the allocator needs to know of an agent. */
export interface AllocatorAgent {
  id: string
  /** Resources neither used by tasks nor offered. */
  available: Resource[]
}

/** Mesos `--min_allocatable_resources` default `cpus:0.01|mem:32`: smaller remainders are not offered. */
export const MIN_ALLOCATABLE = { cpus: 0.01, mem: 32 }

/**
 * Dominant share of a framework: max over cpus and mem of allocated / cluster total, divided by the
 * role weight (DRF, mesos-api.md §5).
 */
export function dominantShare(f: AllocatorFramework, total: { cpus: number; mem: number }, weight = 1): number {
  const cpuShare = total.cpus > 0 ? f.allocated.cpus / total.cpus : 0
  const memShare = total.mem > 0 ? f.allocated.mem / total.mem : 0
  return Math.max(cpuShare, memShare) / weight
}

/** Resources of `available` that a framework in `role` may be offered: unreserved plus its role's reservations. */
export function offerableTo(role: string, available: Resource[]): Resource[] {
  return available.filter((r) => {
    const rr = resourceRole(r)
    return rr === '*' || rr === role
  })
}

function allocatable(resources: Resource[]): boolean {
  return scalarSum(resources, 'cpus') >= MIN_ALLOCATABLE.cpus || scalarSum(resources, 'mem') >= MIN_ALLOCATABLE.mem
}

/**
 * One allocation cycle (coarse-grained, as Mesos's HierarchicalDRF stage 2): agents in random order;
 * for each agent, frameworks in ascending dominant-share order; the first framework that is active,
 * not filtered for the agent and may use something gets everything it may use on that agent.
 * Shares are updated after each grant.
 *
 * @param isFiltered refuse-filter check (framework id, agent id, resources) as OfferFilters
 * @returns grants: framework id -> list of (agent id, resources)
 */
export function allocate(
  frameworks: AllocatorFramework[],
  agents: AllocatorAgent[],
  total: { cpus: number; mem: number },
  isFiltered: (frameworkId: string, agentId: string, resources: Resource[]) => boolean,
  weights: ReadonlyMap<string, number> = new Map(),
  random: () => number = Math.random,
): Map<string, Array<{ agentId: string; resources: Resource[] }>> {
  const grants = new Map<string, Array<{ agentId: string; resources: Resource[] }>>()
  const active = frameworks.filter((f) => f.active).map((f) => ({ ...f, allocated: { ...f.allocated } }))
  if (active.length === 0) return grants
  const order = agents.slice()
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }
  for (const agent of order) {
    if (!allocatable(agent.available)) continue
    active.sort((a, b) => dominantShare(a, total, weights.get(a.role)) - dominantShare(b, total, weights.get(b.role)) || a.id.localeCompare(b.id))
    for (const f of active) {
      const resources = offerableTo(f.role, agent.available)
      if (resources.length === 0 || !allocatable(resources)) continue
      if (isFiltered(f.id, agent.id, resources)) continue
      const list = grants.get(f.id) ?? []
      list.push({ agentId: agent.id, resources })
      grants.set(f.id, list)
      f.allocated.cpus += scalarSum(resources, 'cpus')
      f.allocated.mem += scalarSum(resources, 'mem')
      break
    }
  }
  return grants
}
