/** Public face of the meta-framework: starting it, its REST API, app definitions, health checks and placement. */
export { createAppsApi, type RunningApps, startApps, taskJson } from './api.js'
export {
  type App,
  type AppInput,
  AppSchema,
  appIdOfTask,
  appTaskId,
  type HealthCheck,
  launchDelaySeconds,
} from './app.js'
export { AppsFramework, type AppsOptions, BACKOFF_RESET_AFTER_MS } from './framework.js'
export { HealthChecker, runCheck } from './health.js'
export { type AppFit, fitInstance, offerAttributes, type TaskPlace, violatedConstraint } from './placement.js'
export { AppsStateError } from './state.js'
export { type AppTask, appTaskInfo, type HealthResult } from './task.js'
