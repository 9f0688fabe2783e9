/** Public face of broker observability on the scheduler side: `broker log` and `broker metrics`, and the requests to executors they send. */

export type { AskContext } from './asking.js'
export { brokerLogs, DEFAULT_LOG_LINES, DEFAULT_LOG_TIMEOUT_MS } from './logs.js'
export { brokerMetrics, DEFAULT_METRICS_TIMEOUT_MS } from './metrics.js'
export { ExecutorRequests, type RequestBody, type RequestOutcome } from './requests.js'
