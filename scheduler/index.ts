export { createApi } from './api/index.js'
export {
  CONTROLLER_BASE_ID,
  KafkaScheduler,
  nodeIdFromTaskId,
  type OfferDecision,
  type SchedulerOptions,
} from './scheduler.js'
export { type RunningScheduler, startScheduler } from './server.js'
export { FileStateStore, openStore, type StateStore, StorageError } from './storage/index.js'
