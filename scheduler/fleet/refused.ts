/** The refusal of a broker command: a KmError with the code and status the REST API answers. */

import { type ErrorCode, KmError } from '../../errors/index.js'

/** A broker command that may not be carried out (bad ids, unknown or active brokers, a quorum in the way, Kafka's refusal). */
export class BrokerRefused extends KmError {
  constructor(message: string, code: ErrorCode = 'KM_ERR_INVALID_PARAM', status: 400 | 409 | 503 = 400) {
    super(code, message, { status })
  }
}
