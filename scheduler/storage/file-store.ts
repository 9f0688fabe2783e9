import { readFile } from 'node:fs/promises'
import writeFileAtomic from 'write-file-atomic'
import { z } from 'zod'
import { FileOpsLog, type OpsLog } from './ops-log.js'
import { type SchedulerState, SchedulerStateSchema } from './state.js'

/** Raised when stored state cannot be used; the scheduler stops instead of overwriting it. */
export class StorageError extends Error {
  readonly code = 'KM_ERR_STORAGE'
}

/**
 * Parses and checks a stored state document.
 * @param where names the source in messages, e.g. `state file kafka-mesos.json`
 * @throws StorageError for bad JSON or a document that is not kafka-mesos state (never overwritten)
 */
export function parseState(text: string, where: string): SchedulerState {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new StorageError(
      `${where} is not valid JSON (${(e as Error).message}); it was left untouched: restore it or move it away to start empty`,
    )
  }
  const parsed = SchedulerStateSchema.safeParse(json)
  if (!parsed.success) {
    throw new StorageError(
      `${where} is not kafka-mesos state: ${z.prettifyError(parsed.error)}; it was left untouched: use another --storage or move it away`,
    )
  }
  return parsed.data
}

/** Where state lives: `file:<path>` (relative to the working directory), as mesos/kafka `--storage`. */
export interface StateStore {
  readonly description: string
  /** @returns the stored state, or undefined when nothing is stored yet. @throws StorageError */
  load(): Promise<SchedulerState | undefined>
  /** Writes the whole state atomically (temp file, fsync, rename). */
  save(state: SchedulerState): Promise<void>
  /** The durable audit log of operations kept with this state (issue 6). */
  opsLog(): OpsLog
}

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
