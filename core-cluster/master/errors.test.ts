/** The master's call error's tests: a KmError with code KM_ERR_CALL that keeps its HTTP status and message. */
import { describe, expect, test } from 'vitest'
import { KmError } from '../../errors/index.js'
import { CallError } from './errors.js'
import { MaintenanceError } from './maintenance.js'

describe('master errors', () => {
  test('CallError is a KmError: code KM_ERR_CALL, its own status, the plain-text reason as message', () => {
    const e = new CallError(403, 'Framework is not subscribed')
    expect(e).toBeInstanceOf(KmError)
    expect(e).toBeInstanceOf(CallError)
    expect(e.code).toBe('KM_ERR_CALL')
    expect(e.status).toBe(403)
    expect(e.message).toBe('Framework is not subscribed')
    expect(e.name).toBe('CallError')
  })

  test('MaintenanceError is a KmError with code KM_ERR_MAINTENANCE (400)', () => {
    const e = new MaintenanceError('machine a is already DOWN')
    expect(e).toBeInstanceOf(KmError)
    expect(e.code).toBe('KM_ERR_MAINTENANCE')
    expect(e.status).toBe(400)
  })
})
