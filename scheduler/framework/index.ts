/** Public face of the Mesos framework: the KafkaScheduler (subscribe loop, dispatch), its settings, and waiting on its state. */

export { KafkaScheduler } from './kafka-scheduler.js'
export type { SchedulerOptions } from './options.js'
