/** The master's read views: `/master/state`, the operator API's agents, frameworks and tasks, and GET_ROLES. */

/**
 * As Mesos's `src/master/readonly_handler.cpp`: snapshots built from the registries on each request,
 * in the shapes of Mesos's `/master/state` (a subset) and of the v1 operator API
 * (`include/mesos/v1/master/master.proto` GetAgents, GetFrameworks, GetTasks, GetRoles). Nothing
 * here changes state.
 */

import { addResources, isTerminal, type Offer, type Resource, resourceRole, subtractResources } from '../proto/index.js'
import type { AgentRegistry } from './agents.js'
import { type Frameworks, roleOf } from './frameworks.js'
import { MESOS_VERSION } from './ids.js'
import type { Offers } from './offers.js'
import type { Tasks } from './tasks.js'
import { availableByAgent } from './usage.js'

/** What the views read. */
export interface ViewsDeps {
  /** the master's id and the address it advertises */
  master: () => { id: string; host: string; port: number }
  agents: Pick<AgentRegistry, 'values' | 'unreachableAgents'>
  frameworks: Pick<Frameworks, 'values' | 'get'>
  tasks: Pick<Tasks, 'values'>
  offers: Pick<Offers, 'values' | 'get' | 'ofFramework'>
  /** role weights (roles not listed weigh 1) */
  weights: ReadonlyMap<string, number>
}

/** A role as GET_ROLES shows it. */
export interface RoleView {
  name: string
  weight: number
  frameworks: Array<{ value: string }>
  /** allocated plus offered */
  resources: Resource[]
  allocated: Resource[]
  offered: Resource[]
  reserved: Resource[]
}

/** Read-only views of the master's registries. */
export class ReadViews {
  constructor(private readonly deps: ViewsDeps) {}

  /**
   * Known roles as Mesos GET_ROLES: roles of frameworks, roles with a weight, roles with
   * reservations on agents; each with its weight, frameworks and allocated/offered/reserved resources.
   */
  roles(): RoleView[] {
    const { agents, frameworks, tasks, offers, weights } = this.deps
    const names = new Set<string>(weights.keys())
    for (const f of frameworks.values()) names.add(roleOf(f))
    const reserved = new Map<string, Resource[]>()
    for (const a of agents.values()) {
      for (const r of a.total) {
        const role = resourceRole(r)
        if (role === '*') continue
        names.add(role)
        reserved.set(role, addResources(reserved.get(role) ?? [], [r]))
      }
    }
    const allocated = new Map<string, Resource[]>()
    const offered = new Map<string, Resource[]>()
    for (const t of tasks.values()) {
      const f = frameworks.get(t.frameworkId)
      if (!f || isTerminal(t.state)) continue
      const role = roleOf(f)
      allocated.set(role, addResources(allocated.get(role) ?? [], t.resources))
    }
    for (const o of offers.values()) {
      const f = frameworks.get(o.offer.framework_id.value)
      if (!f) continue
      const role = roleOf(f)
      offered.set(role, addResources(offered.get(role) ?? [], o.resources))
    }
    return [...names].sort().map((name) => {
      const alloc = allocated.get(name) ?? []
      const off = offered.get(name) ?? []
      return {
        name,
        weight: weights.get(name) ?? 1,
        frameworks: [...frameworks.values()].filter((f) => roleOf(f) === name).map((f) => ({ value: f.id })),
        resources: addResources(alloc, off),
        allocated: alloc,
        offered: off,
        reserved: reserved.get(name) ?? [],
      }
    })
  }

  /** Agents, frameworks and tasks in the shapes of the v1 operator API (GET_AGENTS/FRAMEWORKS/TASKS). */
  operatorView() {
    const { agents, frameworks, tasks, offers } = this.deps
    const ns = (ms: number) => ({ nanoseconds: Math.round(ms * 1e6) })
    const available = availableByAgent(agents.values(), tasks.values(), offers.values())
    const offeredBy = new Map<string, Resource[]>()
    for (const o of offers.values())
      offeredBy.set(o.offer.agent_id.value, addResources(offeredBy.get(o.offer.agent_id.value) ?? [], o.resources))
    return {
      agents: [...agents.values()].map((a) => {
        const offered = offeredBy.get(a.id) ?? []
        return {
          agent_info: { ...a.info, id: { value: a.id } },
          active: !!a.link,
          version: MESOS_VERSION,
          registered_time: ns(a.registeredAt),
          total_resources: a.total,
          allocated_resources: subtractResources(subtractResources(a.total, available.get(a.id) ?? []), offered),
          offered_resources: offered,
        }
      }),
      frameworks: [...frameworks.values()].map((f) => ({
        framework_info: f.info,
        active: !!f.stream && !f.suppressed,
        connected: !!f.stream,
        recovered: false,
        registered_time: ns(f.registeredAt),
        offers: offers
          .ofFramework(f.id)
          .map((id) => offers.get(id)?.offer)
          .filter((o): o is Offer => !!o),
      })),
      /** agents marked unreachable (not in Mesos's GET_AGENTS; its /state has the count) */
      unreachable_agents: agents.unreachableAgents().map((u) => ({
        agent_id: { value: u.id },
        hostname: u.hostname,
        port: u.port,
        unreachable_time: ns(u.time),
      })),
      tasks: [...tasks.values()].map((t) => ({
        name: t.info.name,
        task_id: t.info.task_id,
        framework_id: { value: t.frameworkId },
        executor_id: t.info.executor?.executor_id,
        agent_id: { value: t.agentId },
        state: t.state,
        resources: t.resources,
        statuses: t.status ? [t.status] : [],
      })),
    }
  }

  /** A snapshot like Mesos `/master/state` (subset): agents, frameworks, tasks, offers, unreachable agents. */
  state() {
    const { agents, frameworks, tasks, offers } = this.deps
    const master = this.deps.master()
    const available = availableByAgent(agents.values(), tasks.values(), offers.values())
    return {
      id: master.id,
      hostname: master.host,
      port: master.port,
      version: MESOS_VERSION,
      agents: [...agents.values()].map((a) => ({
        id: a.id,
        hostname: a.info.hostname,
        port: a.info.port,
        active: !!a.link,
        resources: a.total,
        available: available.get(a.id) ?? [],
        attributes: a.info.attributes ?? [],
        registered_time: a.registeredAt / 1000,
      })),
      frameworks: [...frameworks.values()].map((f) => ({
        id: f.id,
        name: f.info.name,
        role: roleOf(f),
        active: !!f.stream && !f.suppressed,
        connected: !!f.stream,
        suppressed: f.suppressed,
        offers: offers.ofFramework(f.id),
        failover_timeout: f.info.failover_timeout ?? 0,
        registered_time: f.registeredAt / 1000,
      })),
      unreachable_agents: agents.unreachableAgents().map((u) => ({
        id: u.id,
        hostname: u.hostname,
        port: u.port,
        unreachable_time: u.time / 1000,
      })),
      tasks: [...tasks.values()].map((t) => ({
        id: t.info.task_id.value,
        name: t.info.name,
        framework_id: t.frameworkId,
        agent_id: t.agentId,
        state: t.state,
        resources: t.resources,
      })),
    }
  }
}
