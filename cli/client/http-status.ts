/** An answer's HTTP status as a KmError status, when it is one of the statuses the error table uses. */

import type { HttpStatus } from '../../errors/index.js'

const HTTP_STATUSES: ReadonlySet<number> = new Set<HttpStatus>([400, 401, 403, 404, 405, 406, 409, 415, 500, 501, 503])

/** `{ status }` for KmError's options when `httpStatus` is a status of the table; `{}` (the code's own) otherwise. */
export function statusOption(httpStatus: number): { status?: HttpStatus } {
  return HTTP_STATUSES.has(httpStatus) ? { status: httpStatus as HttpStatus } : {}
}
