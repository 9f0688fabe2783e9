/** The allocator's entry point: one allocation run, by the DRF sorter or, with sub-roles or quotas, the role hierarchy. */

import { allocateDrf } from './drf-sorter.js'
import { allocateHierarchical } from './hierarchical.js'
import type { AllocatorAgent, AllocatorFramework, CpusMem, Grants, IsFiltered, RoleQuota } from './interface.js'

/**
 * One allocation cycle, as Mesos's HierarchicalDRF allocator (`src/master/allocator/mesos/hierarchical.cpp`).
 * Flat roles without quota take the heap-based DRF sorter (./drf-sorter.ts); roles with a `/`
 * (hierarchical roles) or any quota take the role tree with quota guarantees and limits
 * (./hierarchical.ts). Both give each agent's resources to at most one framework per run.
 *
 * @param total cpus and mem (MB) of every linked agent: the denominator of the shares
 * @param isFiltered refuse-filter check (framework id, agent id, resources) as OfferFilters
 * @param weights role → weight (default 1)
 * @param random the agents' shuffle, in [0, 1) (tests pass a fixed one)
 * @param quotas role → quota guarantees and limits (cpus, mem)
 * @returns grants: framework id -> list of (agent id, resources)
 */
export function allocate(
  frameworks: AllocatorFramework[],
  agents: AllocatorAgent[],
  total: CpusMem,
  isFiltered: IsFiltered,
  weights: ReadonlyMap<string, number> = new Map(),
  random: () => number = Math.random,
  quotas: ReadonlyMap<string, RoleQuota> = new Map(),
): Grants {
  const run = { frameworks, agents, total, isFiltered, weights, random, quotas }
  return quotas.size > 0 || frameworks.some((f) => f.role.includes('/')) ? allocateHierarchical(run) : allocateDrf(run)
}
