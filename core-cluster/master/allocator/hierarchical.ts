/** The role hierarchy: one allocation run for hierarchical roles (`eng/backend`) and quotas. */

/**
 * The allocation cycle for hierarchical roles and quotas, as Mesos's HierarchicalDRF
 * (`src/master/allocator/mesos/hierarchical.cpp`, `docs/roles.md`, `docs/quota.md`), used when some
 * role has a `/` or a quota (flat roles without quota take the heap-based fast path in
 * ./drf-sorter.ts):
 *
 * 1. **Guarantees first**: for each agent, roles whose quota guarantee is not met yet (in DRF order)
 *    get their reservations plus unreserved cpus/mem up to what is missing of the guarantee (never
 *    over the limit); resources are split ("chopped") as needed. A role's quota consumption is, as
 *    in Mesos, its allocation plus its reservations (allocated or not).
 * 2. **Everyone by DRF**, with roles ordered **hierarchically**: at each level of the role tree the
 *    children are ordered by weighted dominant share of their whole subtree (a role's own frameworks
 *    count as one more child, with the role's weight). A role may take unreserved cpus/mem only up to
 *    its limit and only as far as the unmet guarantees of other roles (their **headroom**, held even
 *    when they have no framework) stay available in the cluster. What is left of an agent after one
 *    grant goes on to the next role.
 *
 * Cost: O(agents · roles log roles); meant for clusters with tens of roles.
 */

import { type Resource, resourceRole, scalarSum, subtractResources } from '../../proto/index.js'
import type { AllocationRun, AllocatorFramework, Grants } from './interface.js'
import { roleMayUse } from './roles.js'
import { allocatable } from './share.js'

interface Usage {
  cpus: number
  mem: number
}

interface RoleNode {
  name: string
  weight: number
  /** allocation of the whole subtree */
  subtree: Usage
  /** allocation of the role's own frameworks */
  own: Usage
  children: Map<string, RoleNode>
  /** true when frameworks subscribe to this exact role */
  hasFrameworks: boolean
}

/** Keeps at most `maxCpus` cpus and `maxMem` MB of the unreserved scalars (splitting one if needed); other resources unchanged. */
export function clip(resources: readonly Resource[], maxCpus: number, maxMem: number): Resource[] {
  const left: Record<string, number> = { cpus: Math.max(0, maxCpus), mem: Math.max(0, maxMem) }
  const out: Resource[] = []
  for (const r of resources) {
    if (r.type !== 'SCALAR' || (r.name !== 'cpus' && r.name !== 'mem')) {
      out.push(r)
      continue
    }
    const take = Math.min(r.scalar?.value ?? 0, left[r.name])
    const v = Math.floor(take * 1000 + 1e-6) / 1000
    if (v <= 0) continue
    left[r.name] -= v
    out.push(v === r.scalar?.value ? r : { ...r, scalar: { value: v } })
  }
  return out
}

function unreservedUsage(resources: readonly Resource[]): Usage {
  const u = resources.filter((r) => resourceRole(r) === '*')
  return { cpus: scalarSum(u, 'cpus'), mem: scalarSum(u, 'mem') }
}

/**
 * One allocation run over the role tree with quota guarantees and limits (the two stages above).
 * @returns grants: framework id -> list of (agent id, resources)
 */
export function allocateHierarchical(run: AllocationRun): Grants {
  const { frameworks, agents, total, isFiltered, weights, random, quotas } = run
  const grants: Grants = new Map()
  const share = (u: Usage, weight: number) =>
    Math.max(total.cpus > 0 ? u.cpus / total.cpus : 0, total.mem > 0 ? u.mem / total.mem : 0) / weight

  // role tree with subtree allocations
  const root: RoleNode = {
    name: '',
    weight: 1,
    subtree: { cpus: 0, mem: 0 },
    own: { cpus: 0, mem: 0 },
    children: new Map(),
    hasFrameworks: false,
  }
  const nodes = new Map<string, RoleNode>()
  const nodeOf = (role: string): RoleNode => {
    let n = nodes.get(role)
    if (n) return n
    const parts = role.split('/')
    let parent = root
    for (let i = 1; i <= parts.length; i++) {
      const path = parts.slice(0, i).join('/')
      let child = parent.children.get(path)
      if (!child) {
        child = {
          name: path,
          weight: weights.get(path) ?? 1,
          subtree: { cpus: 0, mem: 0 },
          own: { cpus: 0, mem: 0 },
          children: new Map(),
          hasFrameworks: false,
        }
        parent.children.set(path, child)
        nodes.set(path, child)
      }
      parent = child
    }
    n = nodes.get(role)!
    return n
  }
  const addUsage = (role: string, cpus: number, mem: number) => {
    const n = nodeOf(role)
    n.own.cpus += cpus
    n.own.mem += mem
    const parts = role.split('/')
    for (let i = 1; i <= parts.length; i++) {
      const a = nodes.get(parts.slice(0, i).join('/'))!
      a.subtree.cpus += cpus
      a.subtree.mem += mem
    }
  }
  const fwUsage = new Map<string, Usage>()
  const activeByRole = new Map<string, AllocatorFramework[]>()
  for (const f of frameworks) {
    nodeOf(f.role).hasFrameworks = true
    addUsage(f.role, f.allocated.cpus, f.allocated.mem)
    fwUsage.set(f.id, { cpus: f.allocated.cpus, mem: f.allocated.mem })
    if (!f.active) continue
    const list = activeByRole.get(f.role)
    if (list) list.push(f)
    else activeByRole.set(f.role, [f])
  }
  for (const role of quotas.keys()) nodeOf(role)

  /** Roles with active frameworks in hierarchical DRF order. */
  const roleOrder = (): string[] => {
    const out: string[] = []
    const visit = (n: RoleNode) => {
      const entries: Array<{ key: number; name: string; run: () => void }> = []
      if (n !== root && n.hasFrameworks)
        entries.push({
          key: share(n.own, n.weight),
          name: `${n.name}/.`,
          run: () => activeByRole.has(n.name) && out.push(n.name),
        })
      for (const c of n.children.values())
        entries.push({ key: share(c.subtree, c.weight), name: c.name, run: () => visit(c) })
      entries.sort((a, b) => a.key - b.key || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      for (const e of entries) e.run()
    }
    visit(root)
    return out
  }
  const fwOrder = (role: string) =>
    (activeByRole.get(role) ?? [])
      .slice()
      .sort((a, b) => share(fwUsage.get(a.id)!, 1) - share(fwUsage.get(b.id)!, 1) || (a.id < b.id ? -1 : 1))

  // Quota consumption as Mesos counts it: the role subtree's allocation plus its reservations that
  // are not allocated (idle reservations count against limits and towards guarantees).
  const idle = new Map<string, Usage>()
  const addIdle = (resources: readonly Resource[], sign: 1 | -1) => {
    for (const r of resources) {
      const rr = resourceRole(r)
      if (rr === '*' || r.type !== 'SCALAR' || (r.name !== 'cpus' && r.name !== 'mem')) continue
      let u = idle.get(rr)
      if (!u) idle.set(rr, (u = { cpus: 0, mem: 0 }))
      u[r.name] += sign * (r.scalar?.value ?? 0)
    }
  }
  for (const a of agents) addIdle(a.available, 1)
  const consumed = (role: string): Usage => {
    const c = { ...(nodes.get(role)?.subtree ?? { cpus: 0, mem: 0 }) }
    for (const [r, u] of idle) {
      if (r !== role && !r.startsWith(`${role}/`)) continue
      c.cpus += u.cpus
      c.mem += u.mem
    }
    return c
  }
  const unmet = (role: string): Usage => {
    const g = quotas.get(role)?.guarantees ?? {}
    const c = consumed(role)
    return { cpus: Math.max(0, (g.cpus ?? 0) - c.cpus), mem: Math.max(0, (g.mem ?? 0) - c.mem) }
  }
  const limitLeft = (role: string): Usage => {
    // a role is bound by its own limit and its ancestors'
    const left = { cpus: Infinity, mem: Infinity }
    const parts = role.split('/')
    for (let i = 1; i <= parts.length; i++) {
      const path = parts.slice(0, i).join('/')
      const l = quotas.get(path)?.limits ?? {}
      const c = consumed(path)
      if (l.cpus !== undefined) left.cpus = Math.min(left.cpus, Math.max(0, l.cpus - c.cpus))
      if (l.mem !== undefined) left.mem = Math.min(left.mem, Math.max(0, l.mem - c.mem))
    }
    return left
  }
  const headroomOfOthers = (role: string): Usage => {
    const h = { cpus: 0, mem: 0 }
    for (const q of quotas.keys()) {
      if (q === role || role.startsWith(`${q}/`)) continue
      const u = unmet(q)
      h.cpus += u.cpus
      h.mem += u.mem
    }
    return h
  }

  const remaining = new Map(agents.map((a) => [a.id, a.available]))
  const free = { cpus: 0, mem: 0 }
  for (const a of agents) {
    const u = unreservedUsage(a.available)
    free.cpus += u.cpus
    free.mem += u.mem
  }
  const grant = (f: AllocatorFramework, agentId: string, res: Resource[]) => {
    let list = grants.get(f.id)
    if (!list) grants.set(f.id, (list = []))
    const existing = list.find((g) => g.agentId === agentId)
    if (existing) existing.resources = [...existing.resources, ...res]
    else list.push({ agentId, resources: res })
    const cpus = scalarSum(res, 'cpus')
    const mem = scalarSum(res, 'mem')
    addUsage(f.role, cpus, mem)
    const fu = fwUsage.get(f.id)!
    fu.cpus += cpus
    fu.mem += mem
    const u = unreservedUsage(res)
    free.cpus -= u.cpus
    free.mem -= u.mem
    addIdle(res, -1)
    remaining.set(agentId, subtractResources(remaining.get(agentId)!, res))
  }
  const offerFor = (role: string, agentId: string, maxCpus: number, maxMem: number): Resource[] => {
    const avail = remaining.get(agentId)!
    const reserved = avail.filter((r) => {
      const rr = resourceRole(r)
      return rr !== '*' && roleMayUse(role, rr)
    })
    return [
      ...reserved,
      ...clip(
        avail.filter((r) => resourceRole(r) === '*'),
        maxCpus,
        maxMem,
      ),
    ]
  }
  const tryRole = (role: string, agentId: string, maxCpus: number, maxMem: number): boolean => {
    if (!activeByRole.has(role)) return false
    const res = offerFor(role, agentId, maxCpus, maxMem)
    if (res.length === 0 || !allocatable(res)) return false
    for (const f of fwOrder(role)) {
      if (isFiltered(f.id, agentId, res)) continue
      grant(f, agentId, res)
      return true
    }
    return false
  }
  const shuffled = () => {
    const order = agents.slice()
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    return order
  }

  // Stage 1: quota guarantees.
  for (const agent of shuffled()) {
    for (const role of roleOrder()) {
      if (!quotas.get(role)) continue
      const u = unmet(role)
      if (u.cpus <= 0 && u.mem <= 0) continue
      const lim = limitLeft(role)
      tryRole(role, agent.id, Math.min(u.cpus, lim.cpus), Math.min(u.mem, lim.mem))
    }
  }
  // Stage 2: everyone, hierarchical DRF, limits and the others' headroom respected.
  for (const agent of shuffled()) {
    for (const role of roleOrder()) {
      const lim = limitLeft(role)
      const head = headroomOfOthers(role)
      tryRole(role, agent.id, Math.min(lim.cpus, free.cpus - head.cpus), Math.min(lim.mem, free.mem - head.mem))
    }
  }
  return grants
}
