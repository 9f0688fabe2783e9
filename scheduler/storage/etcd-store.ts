/** Scheduler state in etcd (one key, atomic puts), with the audit log beside it: for HA. */

import { Etcd3 } from 'etcd3'
import { EtcdOpsLog } from './etcd-ops-log.js'
import type { OpsLog } from './ops-log.js'
import { parseState, type SchedulerState } from './state.js'
import type { StateStore } from './state-store.js'
import { StorageError } from './storage-error.js'

/**
 * Scheduler state in etcd (HA, mesos/kafka's `zk:` storage done with etcd): one key holding the
 * JSON document; each save is one atomic put. A scheduler moved to another host finds its state
 * (and framework id) there.
 */
export class EtcdStateStore implements StateStore {
  private readonly client: Etcd3
  private chain: Promise<void> = Promise.resolve()

  /**
   * @param endpoints etcd client URL(s), comma-separated
   * @param key the key, e.g. `kafka-mesos/state`
   */
  constructor(
    private readonly endpoints: string,
    private readonly key: string,
  ) {
    this.client = new Etcd3({ hosts: endpoints.split(','), dialTimeout: 3000 })
  }

  /** Entries under `<key>/ops/` in the same etcd. */
  opsLog(): OpsLog {
    return new EtcdOpsLog(this.client, `${this.key}/ops/`)
  }

  get description(): string {
    return `etcd:${this.endpoints}/${this.key}`
  }

  async load(): Promise<SchedulerState | undefined> {
    let text: string | null
    try {
      text = await this.client.get(this.key).string()
    } catch (e) {
      throw new StorageError(`cannot read ${this.description}: ${(e as Error).message}`)
    }
    return text === null ? undefined : parseState(text, this.description)
  }

  save(state: SchedulerState): Promise<void> {
    const text = JSON.stringify(state)
    this.chain = this.chain.then(async () => {
      await this.client.put(this.key).value(text)
    })
    return this.chain
  }
}
