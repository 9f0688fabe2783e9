/** The CLI's client errors: SchedulerApiError and MasterApiError are KmErrors with the table's codes, and keep the answer's HTTP status. */

import { describe, expect, test } from 'vitest'

import { KmError } from '../../errors/index.js'
import { KmCliError } from '../base/index.js'
import { MasterApiError } from './master-api.js'
import { SchedulerApiError } from './scheduler-api-error.js'

describe('SchedulerApiError', () => {
  test('a KmError named SchedulerApiError; no answer is httpStatus 0', () => {
    const e = new SchedulerApiError('KM_ERR_UNREACHABLE', 'cannot reach the scheduler API at http://x: ECONNREFUSED')
    expect(e).toBeInstanceOf(KmError)
    expect(e).toMatchObject({ name: 'SchedulerApiError', code: 'KM_ERR_UNREACHABLE', httpStatus: 0 })
    expect(e.serverCode).toBe('KM_ERR_UNREACHABLE')
  })

  test("from an {error, code} answer: the server's code and status", () => {
    const e = SchedulerApiError.fromAnswer({ error: 'broker 7 not found', code: 'KM_ERR_NOT_FOUND' }, 400)
    expect(e).toMatchObject({ message: 'broker 7 not found', code: 'KM_ERR_NOT_FOUND', status: 400, httpStatus: 400 })
    expect(SchedulerApiError.fromAnswer({ error: 'busy' }, 409)).toMatchObject({ code: 'KM_ERR_HTTP', status: 409 })
  })

  test('a code this CLI does not know is KM_ERR_HTTP, and serverCode keeps what the server sent', () => {
    const e = SchedulerApiError.fromAnswer({ error: 'new in 2.0', code: 'KM_ERR_FROM_THE_FUTURE' }, 502)
    expect(e).toMatchObject({ code: 'KM_ERR_HTTP', serverCode: 'KM_ERR_FROM_THE_FUTURE', httpStatus: 502 })
  })
})

test('MasterApiError and KmCliError are KmErrors too', () => {
  expect(new MasterApiError('KM_ERR_MASTER', 'refused', 409)).toMatchObject({
    name: 'MasterApiError',
    code: 'KM_ERR_MASTER',
    status: 409,
    httpStatus: 409,
  })
  const cli = new KmCliError('KM_ERR_TIMEOUT', 'brokers start timeout')
  expect(cli).toBeInstanceOf(KmError)
  expect(cli).toMatchObject({ name: 'KmCliError', code: 'KM_ERR_TIMEOUT', reportedCode: 'KM_ERR_TIMEOUT' })
})
