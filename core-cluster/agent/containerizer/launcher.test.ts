/** The launcher's process identity: a process is found again by pid and start time after an agent restart. */
import { describe, expect, test } from 'vitest'
import { processStartTime, recoverProcess, sameProcessAlive } from './launcher.js'

describe('launcher: finding an executor again', () => {
  test('a process is recognised by pid and start time; a dead or reused pid is not', () => {
    const start = processStartTime(process.pid)
    expect(start).toMatch(/^\d+$/)
    expect(sameProcessAlive(process.pid, start)).toBe(true)
    expect(sameProcessAlive(process.pid, '1')).toBe(false)
    expect(sameProcessAlive(2 ** 22 + 7, undefined)).toBe(false)
  })

  test('a live process is re-attached; a dead or reused pid is not', () => {
    const start = processStartTime(process.pid)
    expect(recoverProcess(process.pid, start)?.pid).toBe(process.pid)
    expect(recoverProcess(process.pid, '1')).toBeUndefined()
    expect(recoverProcess(2 ** 22 + 7, undefined)).toBeUndefined()
  })
})
