/** The master's Prometheus metrics: cluster state at scrape time, allocation runs, scheduler calls. */

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { scalarSum } from '../proto/index.js'
import type { Master } from './master.js'

/**
 * The master's Prometheus metrics (`GET /metrics`), one registry per master: cluster state read at
 * scrape time (agents, frameworks, tasks by state, outstanding offers, resources, role weights and
 * allocations), allocation runs (count, duration, offers made) and v1 scheduler calls by type and
 * HTTP status.
 */
export class MasterMetrics {
  readonly registry = new Registry()
  private readonly calls: Counter<'type' | 'code'>
  private readonly allocationSeconds: Histogram
  private readonly offersMade: Counter

  constructor(master: Master) {
    const r = this.registry
    collectDefaultMetrics({ register: r, prefix: 'kafka_mesos_master_' })
    this.calls = new Counter({
      name: 'kafka_mesos_master_scheduler_calls_total',
      help: 'v1 scheduler API calls by call type and HTTP status',
      labelNames: ['type', 'code'],
      registers: [r],
    })
    this.allocationSeconds = new Histogram({
      name: 'kafka_mesos_master_allocation_run_seconds',
      help: 'duration of one allocation run (DRF over every agent, offers built and sent)',
      buckets: [0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [r],
    })
    this.offersMade = new Counter({
      name: 'kafka_mesos_master_offers_made_total',
      help: 'offers sent to frameworks',
      registers: [r],
    })
    master.onAllocation = (seconds, offers) => {
      this.allocationSeconds.observe(seconds)
      this.offersMade.inc(offers)
    }
    new Gauge({
      name: 'kafka_mesos_master_agents',
      help: 'agents by state (active: linked to this master; inactive: registered, link down; unreachable: marked unreachable by the health check)',
      labelNames: ['state'],
      registers: [r],
      collect() {
        const agents = master.state().agents
        this.reset()
        this.set({ state: 'active' }, agents.filter((a) => a.active).length)
        this.set({ state: 'inactive' }, agents.filter((a) => !a.active).length)
        this.set({ state: 'unreachable' }, master.unreachableAgents().length)
      },
    })
    new Gauge({
      name: 'kafka_mesos_master_frameworks',
      help: 'frameworks by state: active (connected, not suppressed), suppressed, disconnected',
      labelNames: ['state'],
      registers: [r],
      collect() {
        const fws = master.state().frameworks
        this.reset()
        this.set({ state: 'active' }, fws.filter((f) => f.active).length)
        this.set({ state: 'suppressed' }, fws.filter((f) => f.connected && f.suppressed).length)
        this.set({ state: 'disconnected' }, fws.filter((f) => !f.connected).length)
      },
    })
    new Gauge({
      name: 'kafka_mesos_master_tasks',
      help: 'tasks the master knows, by state',
      labelNames: ['state'],
      registers: [r],
      collect() {
        this.reset()
        const counts = new Map<string, number>()
        for (const t of master.state().tasks) counts.set(t.state, (counts.get(t.state) ?? 0) + 1)
        for (const [state, n] of counts) this.set({ state }, n)
      },
    })
    new Gauge({
      name: 'kafka_mesos_master_offers_outstanding',
      help: 'offers sent and not yet accepted, declined or rescinded',
      registers: [r],
      collect() {
        this.set(master.state().frameworks.reduce((n, f) => n + f.offers.length, 0))
      },
    })
    new Gauge({
      name: 'kafka_mesos_master_resources',
      help: 'cpus and mem (MB) of active agents: total, and available (neither used nor offered)',
      labelNames: ['resource', 'kind'],
      registers: [r],
      collect() {
        const agents = master.state().agents.filter((a) => a.active)
        this.reset()
        for (const resource of ['cpus', 'mem']) {
          this.set(
            { resource, kind: 'total' },
            agents.reduce((n, a) => n + scalarSum(a.resources, resource), 0),
          )
          this.set(
            { resource, kind: 'available' },
            agents.reduce((n, a) => n + scalarSum(a.available, resource), 0),
          )
        }
      },
    })
    new Gauge({
      name: 'kafka_mesos_master_role_weight',
      help: 'DRF weight of each known role',
      labelNames: ['role'],
      registers: [r],
      collect() {
        this.reset()
        for (const role of master.roles()) this.set({ role: role.name }, role.weight)
      },
    })
    new Gauge({
      name: 'kafka_mesos_master_role_allocated',
      help: 'cpus and mem (MB) used by the tasks of each role',
      labelNames: ['role', 'resource'],
      registers: [r],
      collect() {
        this.reset()
        for (const role of master.roles())
          for (const resource of ['cpus', 'mem'])
            this.set({ role: role.name, resource }, scalarSum(role.allocated, resource))
      },
    })
  }

  /** Counts one v1 scheduler call (type as decoded, or `UNPARSED`) with its HTTP status. */
  call(type: string, code: number): void {
    this.calls.inc({ type, code: String(code) })
  }
}
