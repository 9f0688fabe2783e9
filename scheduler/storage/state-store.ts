/** Where the scheduler keeps its state: the interface of the file and etcd stores. */

import type { OpsLog } from './ops-log.js'
import type { SchedulerState } from './state.js'

/** Where state lives: `file:<path>` or `etcd:...` (open.ts), as mesos/kafka's `--storage`. */
export interface StateStore {
  readonly description: string
  /** @returns the stored state, or undefined when nothing is stored yet. @throws StorageError */
  load(): Promise<SchedulerState | undefined>
  /** Writes the whole state atomically (temp file, fsync, rename). */
  save(state: SchedulerState): Promise<void>
  /** The durable audit log of operations kept with this state (issue 6). */
  opsLog(): OpsLog
}
