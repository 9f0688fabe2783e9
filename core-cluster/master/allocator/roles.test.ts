/** The role rules' tests: role names, and which reservations a role may use. */
import { describe, expect, test } from 'vitest'
import { validateRoleName } from './roles.js'

describe('role names', () => {
  test('role names as Mesos checks them', () => {
    expect(validateRoleName('a/./b')).toMatch(/invalid component/)
    expect(validateRoleName('-x')).toMatch(/starting with '-'/)
    expect(validateRoleName('*')).toBeUndefined()
  })
})
