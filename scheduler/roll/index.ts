/** Public face of the rolling restart: the request's checks and the roller (its order and availability checks stay inside). */

export { beginRestart } from './restart-request.js'
