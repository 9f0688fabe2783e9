/** Public face of broker observability on the scheduler side: requests to executors (`broker log`, `broker metrics`). */
export { ExecutorRequests, type RequestBody, type RequestOutcome } from './requests.js'
