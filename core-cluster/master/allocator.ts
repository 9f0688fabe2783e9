import { type Resource, resourceRole, scalarSum } from '../proto/index.js'
import { allocateHierarchical } from './hierarchical.js'
import type { RoleQuota } from './quota.js'

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
export function dominantShare(
  f: { allocated: { cpus: number; mem: number } },
  total: { cpus: number; mem: number },
  weight = 1,
): number {
  const cpuShare = total.cpus > 0 ? f.allocated.cpus / total.cpus : 0
  const memShare = total.mem > 0 ? f.allocated.mem / total.mem : 0
  return Math.max(cpuShare, memShare) / weight
}

/**
 * True when a framework in `role` may use resources reserved to `reservedRole`: unreserved, its own
 * role's, or an ancestor's (`eng` reservations serve `eng/backend`), as Mesos hierarchical roles.
 */
export function roleMayUse(role: string, reservedRole: string): boolean {
  return reservedRole === '*' || reservedRole === role || role.startsWith(`${reservedRole}/`)
}

/** Resources of `available` that a framework in `role` may be offered: unreserved plus its role's (and ancestors') reservations. */
export function offerableTo(role: string, available: Resource[]): Resource[] {
  return available.filter((r) => roleMayUse(role, resourceRole(r)))
}

/** True when `resources` hold at least the minimum allocatable cpus or mem. */
export function allocatable(resources: Resource[]): boolean {
  return scalarSum(resources, 'cpus') >= MIN_ALLOCATABLE.cpus || scalarSum(resources, 'mem') >= MIN_ALLOCATABLE.mem
}

/**
 * Parses a weights text as Mesos's `--weights`: `role=weight[,role=weight...]`, weights > 0.
 * @throws Error naming the bad entry
 */
export function parseWeights(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([^=\s]+)=([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)$/.exec(part)
    const w = m ? Number(m[2]) : NaN
    if (!m || !(w > 0) || !Number.isFinite(w))
      throw new Error(`bad weight '${part}': expected role=weight with a weight above 0, such as kafka=3`)
    const problem = validateRoleName(m[1])
    if (problem) throw new Error(`bad weight '${part}': ${problem}`)
    out.set(m[1], w)
  }
  return out
}

/** Mesos role-name rules (mesos-api.md §1.4); returns the problem or undefined. */
export function validateRoleName(role: string): string | undefined {
  if (role === '*') return undefined
  if (role.length === 0) return 'a role name must not be empty'
  if (role.startsWith('/') || role.endsWith('/') || role.includes('//'))
    return `role '${role}' must not start or end with '/' or contain '//'`
  for (const part of role.split('/')) {
    if (part === '.' || part === '..' || part === '*') return `role '${role}' has an invalid component '${part}'`
    if (part.startsWith('-')) return `role '${role}' has a component starting with '-'`
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is exactly that control characters are refused
    if (/[\s\x00-\x1f\x7f]/.test(part)) return `role '${role}' contains whitespace or control characters`
  }
  return undefined
}

/** A binary min-heap with a comparator (the allocator's sorters). */
class Heap<T> {
  private readonly items: T[] = []
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length
  }
  push(x: T): void {
    const a = this.items
    a.push(x)
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (!this.less(a[i], a[p])) break
      ;[a[i], a[p]] = [a[p], a[i]]
      i = p
    }
  }
  pop(): T | undefined {
    const a = this.items
    if (a.length === 0) return undefined
    const top = a[0]
    const last = a.pop()!
    if (a.length > 0) {
      a[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < a.length && this.less(a[l], a[m])) m = l
        if (r < a.length && this.less(a[r], a[m])) m = r
        if (m === i) break
        ;[a[i], a[m]] = [a[m], a[i]]
        i = m
      }
    }
    return top
  }
}

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
 * One allocation cycle, as Mesos's HierarchicalDRF stage 2 (coarse-grained): agents in random
 * order; for each agent, **roles** in ascending weighted dominant-share order (a role's share counts
 * everything allocated to its frameworks, divided by the role's weight), then the role's active
 * frameworks in ascending dominant-share order; the first framework that is not filtered for the
 * agent and may use something gets everything it may use there (unreserved plus its role's
 * reservations). Shares are updated after each grant.
 *
 * Cost: roles and frameworks sit in binary heaps, so a cycle is O(agents · log frameworks) when
 * filters do not get in the way (nothing is re-sorted per agent).
 *
 * Roles with a `/` (hierarchical roles) or any quota switch to ./hierarchical.ts (role tree, quota
 * guarantees and limits).
 *
 * @param isFiltered refuse-filter check (framework id, agent id, resources) as OfferFilters
 * @param weights role → weight (default 1)
 * @param quotas role → quota guarantees and limits (cpus, mem)
 * @returns grants: framework id -> list of (agent id, resources)
 */
export function allocate(
  frameworks: AllocatorFramework[],
  agents: AllocatorAgent[],
  total: { cpus: number; mem: number },
  isFiltered: (frameworkId: string, agentId: string, resources: Resource[]) => boolean,
  weights: ReadonlyMap<string, number> = new Map(),
  random: () => number = Math.random,
  quotas: ReadonlyMap<string, RoleQuota> = new Map(),
): Map<string, Array<{ agentId: string; resources: Resource[] }>> {
  if (quotas.size > 0 || frameworks.some((f) => f.role.includes('/')))
    return allocateHierarchical(frameworks, agents, total, isFiltered, weights, random, quotas)
  const grants = new Map<string, Array<{ agentId: string; resources: Resource[] }>>()
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
