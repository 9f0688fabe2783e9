/** Public face of the client libraries: the v1 scheduler and executor API clients and the executor's environment. */
export * from './executor-client.js'
export * from './executor-env.js'
export { SchedulerCallError, SchedulerClient, type SchedulerHandlers } from './scheduler-client.js'
