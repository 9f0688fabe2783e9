/** Public face of the Mesos framework: the KafkaScheduler (subscribe loop, dispatch), its settings, and waiting on its state. */

export {
  KafkaScheduler,
  nodeIdFromTaskId,
  type OfferDecision,
  type SchedulerOptions,
} from './kafka-scheduler.js'
export { waitUntil } from './state-wait.js'
