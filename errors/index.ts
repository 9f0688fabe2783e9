/** Public face of the error table: stable codes, their HTTP statuses, and the base error class. */

export { type HttpStatus, KmError } from './base.js'
export { ERROR_CODES, type ErrorCode, type ErrorInfo, isErrorCode } from './codes.js'
