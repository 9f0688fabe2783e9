/** The base error class of kafka-mesos: a message plus a stable code from the table, and the HTTP status it maps to. */

import { ERROR_CODES, type ErrorCode, type ErrorInfo } from './codes.js'

/** The statuses an error may be answered with over HTTP. */
export type HttpStatus = NonNullable<ErrorInfo['status']>

/**
 * Every error class of kafka-mesos extends this one, so one `instanceof KmError` check and one
 * `code` field serve every layer (REST answers, CLI output, TaskStatus messages).
 *
 * - `code`: the stable code; see {@link ERROR_CODES} and the README's table.
 * - `status`: the HTTP status for this error. Defaults to the code's status in the table (500 for a
 *   code that never crosses HTTP); a caller may override it where one code has two statuses, such as
 *   `KM_ERR_NOT_FOUND` (400 for a named broker, 404 for an unknown endpoint).
 */
export class KmError extends Error {
  readonly code: ErrorCode
  readonly status: HttpStatus

  constructor(code: ErrorCode, message: string, options: { status?: HttpStatus; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
    this.code = code
    this.status = options.status ?? ERROR_CODES[code].status ?? 500
  }

  /** The JSON body of an HTTP error answer: `{"error": "<message>", "code": "KM_ERR_..."}`. */
  toJSON(): { error: string; code: ErrorCode } {
    return { error: this.message, code: this.code }
  }
}
