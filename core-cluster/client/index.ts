export { SchedulerClient, SchedulerCallError, type SchedulerHandlers } from './scheduler-client.js'
export * from './executor-client.js'
