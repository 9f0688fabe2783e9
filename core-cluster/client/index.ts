/** Public face of the client libraries: the v1 scheduler and executor API clients, the executor's environment, the digests of what the agent fetched. */
export * from './executor-client.js'
export * from './executor-env.js'
export {
  FETCHED_DIGESTS_FILE,
  type FetchedDigest,
  formatFetchedDigests,
  readFetchedDigests,
  sha256OfFile,
} from './fetched-digests.js'
export { SchedulerCallError, SchedulerClient, type SchedulerHandlers } from './scheduler-client.js'
