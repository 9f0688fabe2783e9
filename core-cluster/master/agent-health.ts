/** The master's health check of agents: pings, misses, and when an agent becomes unreachable. */
/**
 * The master's health check of agents, as Mesos's SlaveObserver (`src/master/master.cpp`; the flags
 * in `docs/configuration/master.md`): every
 * `pingTimeoutMs` the master PINGs each registered agent; a ping not answered by a PONG before the
 * next one is a miss; `maxPingTimeouts` consecutive misses make the agent **unreachable**. A PONG
 * resets the count. An agent whose link is down cannot be pinged, so every period counts as a miss:
 * it must re-register within `pingTimeoutMs × maxPingTimeouts` (Mesos defaults 15 s × 5 = 75 s).
 *
 * Pure timing and counting; what a ping or an unreachable agent means is the master's business
 * (the `ping` and `unreachable` hooks).
 */

/** Health-check settings. Mesos `--agent_ping_timeout` (ms here) and `--max_agent_ping_timeouts`. */
export interface AgentHealthOptions {
  /** ms between pings, and how long an agent has to answer one (Mesos 15 s) */
  pingTimeoutMs: number
  /** consecutive unanswered pings that make an agent unreachable (Mesos 5) */
  maxPingTimeouts: number
}

export const AGENT_HEALTH_DEFAULTS: AgentHealthOptions = { pingTimeoutMs: 15_000, maxPingTimeouts: 5 }

/** What the master does for the health check. */
export interface AgentHealthHooks {
  /** send a PING to the agent (a no-op while its link is down) */
  ping(agentId: string): void
  /** the agent missed `maxPingTimeouts` pings in a row; it is no longer watched */
  unreachable(agentId: string, misses: number): void
}

interface Watch {
  /** a ping is outstanding (sent, not answered) */
  pinged: boolean
  misses: number
  timer: NodeJS.Timeout
}

/**
 * Validates health-check settings.
 * @throws RangeError naming the setting when a value is not a positive integer
 */
export function checkHealthOptions(o: AgentHealthOptions): AgentHealthOptions {
  if (!Number.isInteger(o.pingTimeoutMs) || o.pingTimeoutMs <= 0)
    throw new RangeError(`agent ping timeout must be a positive number of ms, got ${o.pingTimeoutMs}`)
  if (!Number.isInteger(o.maxPingTimeouts) || o.maxPingTimeouts <= 0)
    throw new RangeError(`max agent ping timeouts must be a positive integer, got ${o.maxPingTimeouts}`)
  return o
}

/** Per-agent ping timers and miss counts (see the module comment). */
export class AgentHealth {
  private readonly watches = new Map<string, Watch>()
  readonly options: AgentHealthOptions

  constructor(
    options: AgentHealthOptions,
    private readonly hooks: AgentHealthHooks,
  ) {
    this.options = checkHealthOptions(options)
  }

  /** `pingTimeoutMs × maxPingTimeouts` in seconds: told to agents so they notice a silent master. */
  get totalTimeoutSeconds(): number {
    return (this.options.pingTimeoutMs * this.options.maxPingTimeouts) / 1000
  }

  /** Starts (or restarts, with no misses) watching an agent that has just (re-)registered: pings it now. */
  watch(agentId: string): void {
    this.unwatch(agentId)
    const w: Watch = { pinged: false, misses: 0, timer: undefined as unknown as NodeJS.Timeout }
    this.watches.set(agentId, w)
    this.ping(agentId, w)
  }

  /** A PONG: the agent is healthy; its miss count starts over. Unknown agents are ignored. */
  pong(agentId: string): void {
    const w = this.watches.get(agentId)
    if (!w) return
    w.pinged = false
    w.misses = 0
  }

  /** Stops watching (agent removed or marked unreachable). */
  unwatch(agentId: string): void {
    const w = this.watches.get(agentId)
    if (!w) return
    clearTimeout(w.timer)
    this.watches.delete(agentId)
  }

  /** Consecutive unanswered pings of a watched agent; undefined when not watched. */
  misses(agentId: string): number | undefined {
    return this.watches.get(agentId)?.misses
  }

  stop(): void {
    for (const id of [...this.watches.keys()]) this.unwatch(id)
  }

  private ping(agentId: string, w: Watch): void {
    w.pinged = true
    w.timer = setTimeout(() => this.timeout(agentId, w), this.options.pingTimeoutMs)
    w.timer.unref?.()
    this.hooks.ping(agentId)
  }

  private timeout(agentId: string, w: Watch): void {
    if (this.watches.get(agentId) !== w) return
    if (w.pinged) {
      w.misses += 1
      if (w.misses >= this.options.maxPingTimeouts) {
        this.unwatch(agentId)
        this.hooks.unreachable(agentId, w.misses)
        return
      }
    }
    this.ping(agentId, w)
  }
}
