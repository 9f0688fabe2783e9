/** The error every value parser throws: a field name and what is wrong with its text (KM_ERR_VALUE). */

import { KmError } from '../errors/index.js'

/**
 * Thrown by every parser of a value syntax (periods, ranges, maps, bind addresses, log4j options).
 * `code` is always `KM_ERR_VALUE` (HTTP 400); `field` names the input, and the message starts with
 * it, e.g. `timeout: invalid period "5x", expected a number and a unit ms|s|m|h|d such as 60s`.
 */
export class ValueError extends KmError {
  readonly field: string
  constructor(field: string, message: string) {
    super('KM_ERR_VALUE', `${field}: ${message}`)
    this.field = field
  }
}
