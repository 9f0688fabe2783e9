/** HA masters on etcd: leader election, and the registry that outlives a master (agents, weights, maintenance, quotas). */

import { type Campaign, type Election, Etcd3, type Watcher } from 'etcd3'
import type { Logger } from 'pino'
import type { Resource } from '../proto/index.js'
import type { MaintenanceRecord } from './maintenance.js'

/** etcd key prefix of everything the masters keep there. */
export const ETCD_PREFIX = 'kafka-mesos/'

/** How often a master re-reads the leader from etcd besides watching for changes (ms). */
const REFRESH_MS = 2000

/**
 * Leader election of HA masters through etcd (the etcd3 client's election recipe on a lease):
 * every master campaigns with its `host:port`; one is elected; the others know who leads and
 * redirect to it. A leader that loses its lease (crash, partition) is replaced after `ttlSeconds`
 * (etcd raises a TTL below its minimum, 1.5 × its election timeout, to that minimum).
 * As Mesos masters do, a master that loses leadership must stop (`onLost`).
 */
export class MasterElection {
  readonly client: Etcd3
  private campaign?: Campaign
  private watcher?: Watcher
  private refreshTimer?: NodeJS.Timeout
  private current?: string
  private elected = false
  private stopped = false

  /**
   * @param endpoints etcd client URLs, e.g. `http://127.0.0.1:2379` (comma list accepted)
   * @param address this master's `host:port`
   * @param ttlSeconds lease TTL: how long a dead leader keeps the leadership
   */
  constructor(
    endpoints: string,
    private readonly address: string,
    private readonly log: Logger,
    private readonly ttlSeconds = 1,
  ) {
    this.client = new Etcd3({ hosts: endpoints.split(',').map((s) => s.trim()), dialTimeout: 3000 })
  }

  /** `host:port` of the leading master, if known. */
  get leader(): string | undefined {
    return this.elected ? this.address : this.current
  }

  get isLeader(): boolean {
    return this.elected
  }

  /**
   * Joins the election. `onElected` runs once when this master wins; `onLost` when it loses the
   * leadership it had (or the campaign fails before winning, which is also fatal).
   */
  async start(onElected: () => void, onLost: (why: string) => void): Promise<void> {
    const election = this.client.namespace(ETCD_PREFIX).election('master', this.ttlSeconds)
    await this.watchLeader(election)
    this.campaign = election.campaign(this.address)
    this.campaign.on('elected', () => {
      this.elected = true
      this.current = this.address
      this.log.info({ address: this.address }, 'elected leading master')
      onElected()
    })
    this.campaign.on('error', (e: Error) => {
      const was = this.elected
      this.elected = false
      this.log.error({ err: e.message, wasLeader: was }, 'lost the master election')
      onLost(e.message)
    })
  }

  /**
   * Keeps `current` equal to the election's leader: the candidate key with the lowest create
   * revision (etcd's election recipe, client/v3/concurrency/election.go). It is read again on every
   * change under the election prefix and every `REFRESH_MS` as a backstop. etcd3's own
   * ElectionObserver is not used: when several candidates appear in one watch batch it takes the
   * last one, not the oldest, so a standby could redirect to a master that never won.
   */
  private async watchLeader(election: Election): Promise<void> {
    await this.refreshLeader(election)
    this.watcher = await this.client.namespace(`${ETCD_PREFIX}election/master/`).watch().prefix('').create()
    this.watcher.on('data', () => void this.refreshLeader(election))
    this.watcher.on('error', (e: Error) =>
      this.log.warn({ err: e.message }, 'election watch failed; polling the leader'),
    )
    this.refreshTimer = setInterval(() => void this.refreshLeader(election), REFRESH_MS)
    this.refreshTimer.unref()
  }

  private async refreshLeader(election: Election): Promise<void> {
    let leader: string | undefined
    try {
      leader = (await election.leader()) as string | undefined
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'could not read the leading master from etcd')
      return
    }
    if (this.stopped || this.elected || leader === this.current) return
    this.current = leader
    this.log.info({ leader: leader ?? null }, 'leading master changed')
  }

  /** Steps down and closes the etcd client. */
  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.refreshTimer)
    await this.campaign?.resign().catch(() => undefined)
    await this.watcher?.cancel().catch(() => undefined)
    this.client.close()
  }
}

/**
 * The masters' registry in etcd (Mesos keeps it in its replicated log, `src/master/registry.proto`): the
 * agents admitted to the cluster and the agents marked unreachable (with the time), so that a newly
 * elected master knows which agents may still re-register and which are unreachable; each agent's
 * reservations and persistent volumes; the role weights, quotas and the maintenance schedule, so
 * that they survive a failover.
 */
export class MasterRegistry {
  private writes: Promise<void> = Promise.resolve()

  constructor(
    private readonly client: Etcd3,
    private readonly log: Logger,
  ) {}

  /**
   * Records an admitted agent with its reservations and persistent volumes (checkpointed resources),
   * no longer unreachable (idempotent; failures are logged, not fatal).
   */
  admit(agentId: string, hostname: string, resources: Resource[] = []): void {
    const ns = this.client.namespace(ETCD_PREFIX)
    const value = JSON.stringify({ hostname, admitted: Date.now(), resources })
    void this.serially(`the agent ${agentId}`, () =>
      Promise.all([
        ns.put(`registry/agents/${agentId}`).value(value),
        ns.delete().key(`registry/unreachable/${agentId}`),
      ]),
    )
  }

  /** Moves an agent from the admitted to the unreachable agents, with the time (epoch ms). */
  markUnreachable(agentId: string, hostname: string, timeMs: number): void {
    const ns = this.client.namespace(ETCD_PREFIX)
    const value = JSON.stringify({ hostname, time: timeMs })
    void this.serially(`the unreachable agent ${agentId}`, () =>
      Promise.all([
        ns.put(`registry/unreachable/${agentId}`).value(value),
        ns.delete().key(`registry/agents/${agentId}`),
      ]),
    )
  }

  /** Every admitted agent, with the reservations and volumes last recorded for it. */
  async agents(): Promise<Array<{ id: string; hostname?: string; resources: Resource[] }>> {
    const all = await this.client.namespace(ETCD_PREFIX).getAll().prefix('registry/agents/').strings()
    return Object.entries(all).map(([k, v]) => ({
      id: k.replace(/^registry\/agents\//, ''),
      hostname: parse(v).hostname,
      resources: parse(v).resources ?? [],
    }))
  }

  /** Every agent marked unreachable, with the time (epoch ms). */
  async unreachable(): Promise<Array<{ id: string; hostname?: string; time: number }>> {
    const all = await this.client.namespace(ETCD_PREFIX).getAll().prefix('registry/unreachable/').strings()
    return Object.entries(all).map(([k, v]) => {
      const r = parse(v)
      return {
        id: k.replace(/^registry\/unreachable\//, ''),
        hostname: r.hostname,
        time: typeof r.time === 'number' ? r.time : Date.now(),
      }
    })
  }

  /** Stores every role weight (failures are logged, not fatal). */
  saveWeights(weights: ReadonlyArray<{ role: string; weight: number }>): Promise<void> {
    return this.putJson('registry/weights', weights, 'the role weights')
  }

  /** The stored role weights, or [] when none were ever updated. */
  async weights(): Promise<Array<{ role: string; weight: number }>> {
    const parsed = await this.getJson('registry/weights')
    return Array.isArray(parsed) ? (parsed as Array<{ role: string; weight: number }>) : []
  }

  /** Stores every role quota (operator UPDATE_QUOTA; failures are logged, not fatal). */
  saveQuotas(quotas: ReadonlyArray<{ role: string; guarantees: object; limits: object }>): Promise<void> {
    return this.putJson('registry/quotas', quotas, 'the role quotas')
  }

  /** The stored role quotas (operator API JSON shape), or [] when none were ever set. */
  async quotas(): Promise<unknown[]> {
    const parsed = await this.getJson('registry/quotas')
    return Array.isArray(parsed) ? parsed : []
  }

  /** Stores the maintenance schedule and the DOWN machines (failures are logged, not fatal). */
  saveMaintenance(record: MaintenanceRecord): Promise<void> {
    return this.putJson('registry/maintenance', record, 'the maintenance schedule')
  }

  /** The stored maintenance record, if any. */
  async maintenance(): Promise<MaintenanceRecord | undefined> {
    const parsed = (await this.getJson('registry/maintenance')) as MaintenanceRecord | undefined
    return parsed && typeof parsed === 'object' && parsed.schedule ? parsed : undefined
  }

  private putJson(key: string, value: unknown, what: string): Promise<void> {
    const text = JSON.stringify(value)
    return this.serially(what, () => this.client.namespace(ETCD_PREFIX).put(key).value(text).exec())
  }

  /**
   * Runs registry writes one after the other, so that a later state never loses to an earlier one
   * still in flight (e.g. a schedule update and START_MAINTENANCE in a row). Failures are logged.
   */
  private serially(what: string, write: () => Promise<unknown>): Promise<void> {
    this.writes = this.writes.then(async () => {
      try {
        await write()
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, `could not record ${what} in the registry`)
      }
    })
    return this.writes
  }

  private async getJson(key: string): Promise<unknown> {
    const text = await this.client.namespace(ETCD_PREFIX).get(key).string()
    return text ? (JSON.parse(text) as unknown) : undefined
  }
}

function parse(v: string): { hostname?: string; time?: number; resources?: Resource[] } {
  try {
    const r = JSON.parse(v) as { hostname?: unknown; time?: unknown; resources?: unknown }
    return {
      hostname: typeof r.hostname === 'string' ? r.hostname : undefined,
      time: typeof r.time === 'number' ? r.time : undefined,
      resources: Array.isArray(r.resources) ? (r.resources as Resource[]) : undefined,
    }
  } catch {
    return {}
  }
}
