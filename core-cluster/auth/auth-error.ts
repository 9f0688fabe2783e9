/** The errors of authentication: an unusable credentials file, a refused request (401) and a role too low (403). */

import { KmError } from '../../errors/index.js'

/** A credentials file (`--auth-file`, `--credential`) that cannot be used; the message names the file, the field and the fix. Code `KM_ERR_AUTH_FILE`. */
export class AuthFileError extends KmError {
  constructor(message: string) {
    super('KM_ERR_AUTH_FILE', message)
  }
}

/** No credentials, or wrong ones: HTTP 401 with `WWW-Authenticate`. Code `KM_ERR_UNAUTHENTICATED`. */
export class UnauthenticatedError extends KmError {
  constructor(message: string) {
    super('KM_ERR_UNAUTHENTICATED', message)
  }
}

/** Authenticated, but not allowed: HTTP 403 naming the role or the owner needed. Code `KM_ERR_FORBIDDEN`. */
export class ForbiddenError extends KmError {
  constructor(message: string) {
    super('KM_ERR_FORBIDDEN', message)
  }
}
