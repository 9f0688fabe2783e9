/** Resource accounting: what each agent has free, and what each framework holds. */

import { isTerminal, type Resource, scalarSum, subtractResources } from '../proto/index.js'
import type { AgentEntry } from './agents.js'
import type { CpusMem } from './allocator/index.js'
import type { OfferEntry } from './offers.js'
import type { TaskEntry } from './tasks.js'

/**
 * Resources of every agent neither used (live tasks, executors) nor offered, computed in one pass
 * over tasks and offers (not per agent).
 * @returns agent id → its free resources
 */
export function availableByAgent(
  agents: Iterable<AgentEntry>,
  tasks: Iterable<TaskEntry>,
  offers: Iterable<OfferEntry>,
): Map<string, Resource[]> {
  const used = new Map<string, Resource[][]>()
  const use = (agentId: string, r: Resource[]) => {
    let list = used.get(agentId)
    if (!list) used.set(agentId, (list = []))
    list.push(r)
  }
  for (const t of tasks) if (!isTerminal(t.state)) use(t.agentId, t.resources)
  for (const o of offers) use(o.offer.agent_id.value, o.resources)
  const out = new Map<string, Resource[]>()
  for (const a of agents) {
    const list = used.get(a.id) ?? []
    for (const r of a.executors.values()) list.push(r)
    out.set(a.id, list.length === 0 ? a.total.slice() : subtractResources(a.total, list.flat()))
  }
  return out
}

/**
 * cpus and mem (MB) allocated to each framework, in one pass: its live tasks on reachable agents and
 * its outstanding offers (what DRF shares count).
 * @returns framework id → cpus and mem, for every id in `frameworkIds`
 */
export function allocatedByFramework(
  frameworkIds: Iterable<string>,
  tasks: Iterable<TaskEntry>,
  offers: Iterable<OfferEntry>,
): Map<string, CpusMem> {
  const out = new Map<string, CpusMem>()
  for (const id of frameworkIds) out.set(id, { cpus: 0, mem: 0 })
  const add = (fwId: string, r: Resource[]) => {
    const a = out.get(fwId)
    if (!a) return
    a.cpus += scalarSum(r, 'cpus')
    a.mem += scalarSum(r, 'mem')
  }
  for (const t of tasks) if (!isTerminal(t.state) && t.unreachableSince === undefined) add(t.frameworkId, t.resources)
  for (const o of offers) add(o.offer.framework_id.value, o.resources)
  return out
}

/** cpus and mem (MB) of the agents' totals. */
export function totalOf(agents: Iterable<{ total: Resource[] }>): CpusMem {
  const total = { cpus: 0, mem: 0 }
  for (const a of agents) {
    total.cpus += scalarSum(a.total, 'cpus')
    total.mem += scalarSum(a.total, 'mem')
  }
  return total
}
