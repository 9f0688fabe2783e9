export * from './executor-client.js'
export { SchedulerCallError, SchedulerClient, type SchedulerHandlers } from './scheduler-client.js'
