export { KafkaScheduler, CONTROLLER_BASE_ID, nodeIdFromTaskId, type SchedulerOptions, type OfferDecision } from './scheduler.js'
export { startScheduler, type RunningScheduler } from './server.js'
export { createApi } from './api/index.js'
export { openStore, FileStateStore, StorageError, type StateStore } from './storage/index.js'
