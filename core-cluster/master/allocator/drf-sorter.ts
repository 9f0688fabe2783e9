/** The DRF sorter: one allocation run for flat roles without quota, roles and frameworks kept in heaps. */

import { scalarSum } from '../../proto/index.js'
import { Heap } from './heap.js'
import type { AllocationRun, AllocatorFramework, Grants } from './interface.js'
import { offerableTo } from './roles.js'
import { allocatable, MIN_ALLOCATABLE } from './share.js'

interface FwSlot {
  f: AllocatorFramework
  cpus: number
  mem: number
  share: number
}

interface RoleSlot {
  name: string
  weight: number
  cpus: number
  mem: number
  share: number
  frameworks: Heap<FwSlot>
}

/**
 * One allocation cycle, as Mesos's HierarchicalDRF stage 2 (coarse-grained,
 * `src/master/allocator/mesos/hierarchical.cpp`): agents in random order; for each agent, **roles**
 * in ascending weighted dominant-share order (a role's share counts everything allocated to its
 * frameworks, divided by the role's weight), then the role's active frameworks in ascending
 * dominant-share order; the first framework that is not filtered for the agent and may use something
 * gets everything it may use there (unreserved plus its role's reservations). Shares are updated
 * after each grant.
 *
 * Cost: roles and frameworks sit in binary heaps, so a cycle is O(agents · log frameworks) when
 * filters do not get in the way (nothing is re-sorted per agent).
 *
 * @returns grants: framework id -> list of (agent id, resources)
 */
export function allocateDrf({ frameworks, agents, total, isFiltered, weights, random }: AllocationRun): Grants {
  const grants: Grants = new Map()
  const share = (cpus: number, mem: number, weight: number) =>
    Math.max(total.cpus > 0 ? cpus / total.cpus : 0, total.mem > 0 ? mem / total.mem : 0) / weight
  const fwLess = (a: FwSlot, b: FwSlot) => a.share < b.share || (a.share === b.share && a.f.id < b.f.id)
  const roleLess = (a: RoleSlot, b: RoleSlot) => a.share < b.share || (a.share === b.share && a.name < b.name)

  // Role shares count all of a role's allocation, active frameworks or not.
  const roles = new Map<string, RoleSlot>()
  for (const f of frameworks) {
    let r = roles.get(f.role)
    if (!r) {
      r = { name: f.role, weight: weights.get(f.role) ?? 1, cpus: 0, mem: 0, share: 0, frameworks: new Heap(fwLess) }
      roles.set(f.role, r)
    }
    r.cpus += f.allocated.cpus
    r.mem += f.allocated.mem
  }
  const roleHeap = new Heap<RoleSlot>(roleLess)
  for (const r of roles.values()) r.share = share(r.cpus, r.mem, r.weight)
  for (const f of frameworks) {
    if (!f.active) continue
    const r = roles.get(f.role)!
    if (r.frameworks.size === 0) roleHeap.push(r)
    r.frameworks.push({
      f,
      cpus: f.allocated.cpus,
      mem: f.allocated.mem,
      share: share(f.allocated.cpus, f.allocated.mem, 1),
    })
  }
  if (roleHeap.size === 0) return grants

  const order = agents.slice()
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j], order[i]]
  }

  const poppedRoles: RoleSlot[] = []
  const poppedFws: FwSlot[] = []
  for (const agent of order) {
    // one pass over the agent's resources: cpus, mem, and whether any is reserved
    let agentCpus = 0
    let agentMem = 0
    let reserved = false
    for (const r of agent.available) {
      if (r.reservations?.length || (r.reservation?.role ?? r.role ?? '*') !== '*') reserved = true
      if (r.type !== 'SCALAR') continue
      if (r.name === 'cpus') agentCpus += r.scalar?.value ?? 0
      else if (r.name === 'mem') agentMem += r.scalar?.value ?? 0
    }
    if (!reserved && agentCpus < MIN_ALLOCATABLE.cpus && agentMem < MIN_ALLOCATABLE.mem) continue
    const unreserved = reserved ? offerableTo('*', agent.available) : agent.available
    const unreservedOk = reserved ? allocatable(unreserved) : true
    poppedRoles.length = 0
    for (let role = roleHeap.pop(); role; role = roleHeap.pop()) {
      poppedRoles.push(role)
      const resources = reserved ? offerableTo(role.name, agent.available) : unreserved
      if (resources.length === 0 || (resources === unreserved ? !unreservedOk : !allocatable(resources))) continue
      poppedFws.length = 0
      let chosen: FwSlot | undefined
      for (let slot = role.frameworks.pop(); slot; slot = role.frameworks.pop()) {
        poppedFws.push(slot)
        if (!isFiltered(slot.f.id, agent.id, resources)) {
          chosen = slot
          break
        }
      }
      if (chosen) {
        const cpus = reserved ? scalarSum(resources, 'cpus') : agentCpus
        const mem = reserved ? scalarSum(resources, 'mem') : agentMem
        let list = grants.get(chosen.f.id)
        if (!list) grants.set(chosen.f.id, (list = []))
        list.push({ agentId: agent.id, resources })
        chosen.cpus += cpus
        chosen.mem += mem
        chosen.share = share(chosen.cpus, chosen.mem, 1)
        role.cpus += cpus
        role.mem += mem
        role.share = share(role.cpus, role.mem, role.weight)
      }
      for (const s of poppedFws) role.frameworks.push(s)
      if (chosen) break
    }
    for (const r of poppedRoles) roleHeap.push(r)
  }
  return grants
}
