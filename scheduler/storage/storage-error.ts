/** The error of unusable stored state (KM_ERR_STORAGE): the scheduler stops instead of overwriting it. */

import { KmError } from '../../errors/index.js'

/** Raised when stored state cannot be read or used; the scheduler stops instead of overwriting it. */
export class StorageError extends KmError {
  constructor(message: string) {
    super('KM_ERR_STORAGE', message)
  }
}
