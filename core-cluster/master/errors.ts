/** The master's error for a refused call: an HTTP status and a plain-text reason, as Mesos answers. */

import { KmError } from '../../errors/index.js'

/** The statuses a Mesos master or agent answers a refused call with (`docs/scheduler-http-api.md`). */
export type CallStatus = 400 | 403 | 404 | 405 | 406 | 409 | 415 | 501 | 503

/**
 * An HTTP answer to a bad call: status and a reason that names the problem, sent as plain text as
 * Mesos's `src/master/http.cpp` does (`400 Failed to validate scheduler::Call: ...`). Its code is
 * `KM_ERR_CALL` whatever the status.
 */
export class CallError extends KmError {
  declare readonly status: CallStatus

  constructor(status: CallStatus, message: string) {
    super('KM_ERR_CALL', message, { status })
  }
}
