/** Agent recovery after an HA failover: the registry's agents, which may re-register until a deadline, and the reservations recorded for them. */

/**
 * A newly elected master reads the agents the registry admitted (`src/master/registry.proto`); each
 * may re-register until `--agent_reregister_timeout` has passed (`docs/configuration/master.md`),
 * and one that has not by then is marked unreachable. Until then reconciliation gives no answer for
 * a task on it (`docs/reconciliation.md`). An agent that lost its checkpoint gets the reservations
 * and volumes the registry recorded.
 */

import type { Resource } from '../proto/index.js'

/** What recovery needs of the agent registry. */
export interface AgentRecoveryDeps {
  /** the agent is registered now, with its link up */
  isLinked(agentId: string): boolean
  /** the agent did not re-register by its deadline (`now`, epoch ms) */
  expired(agentId: string, hostname: string, now: number): void
}

/** Registry agents that have not re-registered with this master yet, with their deadlines. */
export class AgentRecovery {
  /** agent id → until when (epoch ms) it may still re-register */
  private readonly deadlines = new Map<string, number>()
  /** agent id → reservations and volumes as the registry last recorded them */
  private readonly recorded = new Map<string, Resource[]>()
  private timer?: NodeJS.Timeout

  constructor(private readonly deps: AgentRecoveryDeps) {}

  /**
   * Expects the registry's agents (those not linked already) until `deadlineMs` (epoch ms); the
   * ones that have not re-registered by then are handed to `expired`.
   */
  recover(agents: ReadonlyArray<{ id: string; hostname?: string; resources?: Resource[] }>, deadlineMs: number): void {
    for (const a of agents) if (a.resources?.length) this.recorded.set(a.id, a.resources)
    for (const a of agents) if (!this.deps.isLinked(a.id)) this.deadlines.set(a.id, deadlineMs)
    const hostnames = new Map(agents.map((a) => [a.id, a.hostname ?? '']))
    if (this.timer) clearTimeout(this.timer)
    const check = (): void => {
      const now = Date.now()
      let next = Infinity
      for (const [id, deadline] of this.deadlines) {
        if (deadline > now) {
          next = Math.min(next, deadline)
          continue
        }
        this.deadlines.delete(id)
        this.deps.expired(id, hostnames.get(id) ?? '', now)
      }
      // A timer may fire a millisecond before Date.now() reaches the deadline: check again then.
      if (next !== Infinity) {
        this.timer = setTimeout(check, Math.max(1, next - now))
        this.timer.unref()
      }
    }
    this.timer = setTimeout(check, Math.max(0, deadlineMs - Date.now()))
    this.timer.unref()
  }

  /** The agent re-registered: it is no longer waited for. */
  registered(agentId: string): void {
    this.deadlines.delete(agentId)
  }

  /** The reservations and volumes the registry recorded for an agent (empty when none). */
  recordedResources(agentId: string): Resource[] {
    return this.recorded.get(agentId) ?? []
  }

  /** True when `agentId` (or, when undefined, any recovered agent) may still re-register. */
  mayStillReregister(agentId: string | undefined): boolean {
    const now = Date.now()
    const pending = (id: string) => (this.deadlines.get(id) ?? 0) > now && !this.deps.isLinked(id)
    return agentId ? pending(agentId) : [...this.deadlines.keys()].some(pending)
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer)
  }
}
