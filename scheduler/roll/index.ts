/** Public face of the rolling restart: the request's checks and the roller (its order and availability checks stay inside). */

export {
  beginRestart,
  RESTART_NO_REPLICATION_TIMEOUT_MS,
  RESTART_TIMEOUT_MS,
  RestartRefused,
  type RestartRequest,
  type RestartRun,
} from './restart-request.js'
export type { RestartResult } from './roller.js'
