/** Public face of the scheduler's state storage: the stores (file, etcd) and `--storage`, the state document, the audit log. */

export { FileStateStore } from './file-store.js'
export { openStore } from './open.js'
export { MemoryOpsLog, type OpsLog, redact } from './ops-log.js'
export type { SchedulerState } from './state.js'
export type { StateStore } from './state-store.js'
export { StorageError } from './storage-error.js'
