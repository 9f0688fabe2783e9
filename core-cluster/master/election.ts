import { Etcd3, type Campaign, type ElectionObserver } from 'etcd3'
import type { Logger } from 'pino'

/** etcd key prefix of everything the masters keep there. */
export const ETCD_PREFIX = 'kafka-mesos/'

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
  private observer?: ElectionObserver
  private current?: string
  private elected = false

  /**
   * @param endpoints etcd client URLs, e.g. `http://127.0.0.1:2379` (comma list accepted)
   * @param address this master's `host:port`
   * @param ttlSeconds lease TTL: how long a dead leader keeps the leadership
   */
  constructor(endpoints: string, private readonly address: string, private readonly log: Logger, private readonly ttlSeconds = 1) {
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
    this.observer = await election.observe()
    this.current = this.observer.leader()
    this.observer.on('change', (leader) => {
      this.current = leader
      this.log.info({ leader }, 'leading master changed')
    })
    this.observer.on('error', (e) => this.log.warn({ err: e.message }, 'election observer failed'))
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

  /** Steps down and closes the etcd client. */
  async stop(): Promise<void> {
    await this.campaign?.resign().catch(() => undefined)
    await this.observer?.cancel().catch(() => undefined)
    this.client.close()
  }
}

/**
 * The masters' registry in etcd (Mesos keeps it in its replicated log): the agents admitted to the
 * cluster, so that a newly elected master knows which agents may still re-register.
 */
export class AgentRegistry {
  constructor(private readonly client: Etcd3, private readonly log: Logger) {}

  /** Records an agent (idempotent; failures are logged, not fatal). */
  admit(agentId: string, hostname: string): void {
    void this.client
      .namespace(ETCD_PREFIX)
      .put(`registry/agents/${agentId}`)
      .value(JSON.stringify({ hostname, admitted: Date.now() }))
      .catch((e: Error) => this.log.warn({ err: e.message, agent: agentId }, 'could not record the agent in the registry'))
  }

  /** Ids of every admitted agent. */
  async agents(): Promise<string[]> {
    const all = await this.client.namespace(ETCD_PREFIX).getAll().prefix('registry/agents/').keys()
    return all.map((k) => k.replace(/^registry\/agents\//, ''))
  }
}
