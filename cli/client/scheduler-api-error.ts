/** The error of a failed call to the scheduler's REST API (or to the meta-framework that runs the scheduler), as the CLI's client reports it. */

import { type ErrorCode, isErrorCode, KmError } from '../../errors/index.js'
import { statusOption } from './http-status.js'

/**
 * A failed API call. `message` is the server's error text (or what went wrong on the way); `code`
 * is the server's `KM_ERR_*` code, or the client's own (`KM_ERR_UNREACHABLE`, `KM_ERR_HTTP`,
 * `KM_ERR_RESPONSE`, `KM_ERR_NO_API`, `KM_ERR_API_URL`).
 *
 * The scheduler answers errors as `{"error": "<message>", "code": "KM_ERR_..."}`; mesos/kafka's
 * scheduler answered with an empty body and the reason phrase instead, which becomes
 * `<status> - <reason>` (its CLI's `sendRequestString`, src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala).
 */
export class SchedulerApiError extends KmError {
  /** The HTTP status of the answer; 0 when the server could not be reached or no answer was read. */
  readonly httpStatus: number
  /**
   * The code exactly as the server sent it. Equal to `code`, except for a code this CLI's table does
   * not know (a newer scheduler): `code` is then `KM_ERR_HTTP` and `--json` still shows the server's.
   */
  readonly serverCode: string

  constructor(code: ErrorCode, message: string, httpStatus = 0, serverCode: string = code) {
    super(code, message, statusOption(httpStatus))
    this.httpStatus = httpStatus
    this.serverCode = serverCode
  }

  /** From an `{"error","code"}` answer with HTTP status `httpStatus`; no code means `KM_ERR_HTTP`. */
  static fromAnswer(body: { error: string; code?: string }, httpStatus: number): SchedulerApiError {
    const fallback: ErrorCode = 'KM_ERR_HTTP'
    const sent = body.code ?? fallback
    return new SchedulerApiError(isErrorCode(sent) ? sent : fallback, body.error, httpStatus, sent)
  }
}
