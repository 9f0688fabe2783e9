/** Scheduler state in one JSON file, written atomically, with the audit log beside it. */

import { readFile } from 'node:fs/promises'
import writeFileAtomic from 'write-file-atomic'
import { FileOpsLog, type OpsLog } from './ops-log.js'
import { parseState, type SchedulerState } from './state.js'
import type { StateStore } from './state-store.js'
import { StorageError } from './storage-error.js'

/** State in one JSON file, written atomically with write-file-atomic (temp + fsync + rename). */
export class FileStateStore implements StateStore {
  private chain: Promise<void> = Promise.resolve()

  constructor(readonly path: string) {}

  /** `<state file>.ops.jsonl`, beside the state. */
  opsLog(): OpsLog {
    return new FileOpsLog(`${this.path}.ops.jsonl`)
  }

  get description(): string {
    return `file:${this.path}`
  }

  async load(): Promise<SchedulerState | undefined> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new StorageError(`cannot read state file ${this.path}: ${(e as Error).message}`)
    }
    return parseState(text, `state file ${this.path}`)
  }

  /** Saves are serialized so an older state never lands after a newer one. */
  save(state: SchedulerState): Promise<void> {
    const text = `${JSON.stringify(state, null, 2)}\n`
    this.chain = this.chain.then(() => writeFileAtomic(this.path, text, { fsync: true }))
    return this.chain
  }
}
