/** The README's error-code table says what errors/codes.ts says, row for row. */

import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, isErrorCode, KmError } from './index.js'

function readmeTable(): Map<string, { status: string; meaning: string }> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
  const section = readme.split('\n## Error codes\n')[1]?.split('\n## ')[0] ?? ''
  const rows = new Map<string, { status: string; meaning: string }>()
  for (const line of section.split('\n')) {
    const m = /^\| `(KM_ERR_[A-Z_]+)` \| ([^|]+) \| (.+) \|$/.exec(line)
    if (m) rows.set(m[1], { status: m[2].trim(), meaning: m[3].trim() })
  }
  return rows
}

describe('error codes', () => {
  it('the README lists every code with its status and meaning, and no other', () => {
    const rows = readmeTable()
    const expected = new Map(
      Object.entries(ERROR_CODES).map(([code, info]) => [
        code,
        { status: String(info.status ?? '–'), meaning: info.meaning },
      ]),
    )
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(expected))
  })

  it('codes are KM_ERR_ names', () => {
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^KM_ERR_[A-Z]+(_[A-Z]+)*$/)
  })

  it('KmError takes its status from the table unless told otherwise', () => {
    const e = new KmError('KM_ERR_BUSY', 'a rolling restart is already running')
    expect(e).toBeInstanceOf(Error)
    expect([e.code, e.status, e.name]).toEqual(['KM_ERR_BUSY', 409, 'KmError'])
    expect(new KmError('KM_ERR_NOT_FOUND', 'no such endpoint', { status: 404 }).status).toBe(404)
    expect(new KmError('KM_ERR_TIMEOUT', 'timed out').status).toBe(500)
    expect(JSON.stringify(new KmError('KM_ERR_EXISTS', 'Broker 1 already exists'))).toBe(
      '{"error":"Broker 1 already exists","code":"KM_ERR_EXISTS"}',
    )
  })

  it('a subclass keeps its own name', () => {
    class ValueError extends KmError {}
    expect(new ValueError('KM_ERR_VALUE', 'x').name).toBe('ValueError')
  })

  it('isErrorCode tells table codes from anything else', () => {
    expect(isErrorCode('KM_ERR_QUORUM')).toBe(true)
    expect(isErrorCode('KM_ERR_NOPE')).toBe(false)
    expect(isErrorCode('toString')).toBe(false)
    expect(isErrorCode(7)).toBe(false)
  })
})
