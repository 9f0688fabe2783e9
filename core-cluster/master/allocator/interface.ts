/** The allocator's interface: what the master tells it of frameworks, agents and quotas, and the grants it answers. */

/**
 * As Mesos's allocator interface (`include/mesos/allocator/allocator.hpp`), reduced to one call: the
 * master hands over a snapshot of frameworks, agents, weights and quotas, and gets back which
 * resources of which agent each framework is to be offered. The allocator keeps no state between
 * runs; the master owns the registries and the refuse filters.
 */

import type { Resource } from '../../proto/index.js'

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

/**
 * Quota of a role (Mesos 1.9+ `QuotaConfig`, `include/mesos/v1/quota/quota.proto`, `docs/quota.md`):
 * `guarantees` the allocator sets aside for the role (headroom held even while none of its frameworks
 * wants them; deprecated in Mesos but honoured) and `limits` it never exceeds. cpus (cores) and mem
 * (MB); other names are not enforced.
 */
export interface RoleQuota {
  guarantees: { cpus?: number; mem?: number }
  limits: { cpus?: number; mem?: number }
}

/** cpus (cores) and mem (MB): a cluster total or an allocation. */
export interface CpusMem {
  cpus: number
  mem: number
}

/** The refuse-filter check the master passes in (framework id, agent id, resources to offer). */
export type IsFiltered = (frameworkId: string, agentId: string, resources: Resource[]) => boolean

/** One allocation run's input: a snapshot the master takes just before the run. */
export interface AllocationRun {
  frameworks: AllocatorFramework[]
  agents: AllocatorAgent[]
  /** cpus and mem (MB) of every linked agent: the denominator of the shares */
  total: CpusMem
  /** refuse-filter check (framework id, agent id, resources) as OfferFilters */
  isFiltered: IsFiltered
  /** role → weight (roles not listed weigh 1) */
  weights: ReadonlyMap<string, number>
  /** the agents' shuffle, in [0, 1) (tests pass a fixed one) */
  random: () => number
  /** role → quota guarantees and limits (cpus, mem) */
  quotas: ReadonlyMap<string, RoleQuota>
}

/** One allocation run's answer: framework id → the agents and resources it is to be offered. */
export type Grants = Map<string, Array<{ agentId: string; resources: Resource[] }>>
