export { createApi } from './api/index.js'
export { KafkaScheduler, type SchedulerOptions } from './framework/index.js'
export { type RunningScheduler, startScheduler } from './server.js'
export { FileStateStore, openStore, type StateStore, StorageError } from './storage/index.js'
