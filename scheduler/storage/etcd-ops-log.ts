/** The audit log of operations kept in etcd, in write order across scheduler hosts. */

import { randomBytes } from 'node:crypto'
import type { Etcd3 } from 'etcd3'
import type { OpsEntry, OpsLog } from './ops-log.js'

/**
 * The audit log of operations kept in etcd beside the scheduler's state (issue 6's durable log, for
 * `etcd:` storage): one key per entry under `<prefix>`, named by time and a random suffix; order
 * is etcd's create revision, so entries written by a scheduler that moved to another host (another
 * clock) still read back in the order they were written. Append-only: nothing here deletes keys.
 */
export class EtcdOpsLog implements OpsLog {
  private chain: Promise<void> = Promise.resolve()

  /**
   * @param client a connected etcd client (shared with the state store)
   * @param prefix key prefix, e.g. `kafka-mesos/state/ops/`
   */
  constructor(
    private readonly client: Etcd3,
    readonly prefix: string,
  ) {}

  /** Appends one entry; puts are serialized so that create revisions follow call order. @throws etcd's error */
  append(entry: OpsEntry): Promise<void> {
    const key = `${this.prefix}${Date.now().toString().padStart(15, '0')}-${randomBytes(4).toString('hex')}`
    const value = JSON.stringify(entry)
    this.chain = this.chain
      .catch(() => undefined)
      .then(async () => {
        await this.client.put(key).value(value)
      })
    return this.chain
  }

  /** The last `limit` entries (default 100), oldest first; values that are not JSON are skipped. */
  async read(limit = 100): Promise<OpsEntry[]> {
    await this.chain.catch(() => undefined)
    const res = await this.client.getAll().prefix(this.prefix).sort('Create', 'Descend').limit(limit).exec()
    const out: OpsEntry[] = []
    for (const kv of res.kvs.reverse()) {
      try {
        out.push(JSON.parse(kv.value.toString()) as OpsEntry)
      } catch {
        // not an entry of ours
      }
    }
    return out
  }
}
