/** Periods: examples, the errors that name their field, and the round trip. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'

import type { ErrorCode } from '../errors/index.js'
import { formatPeriod, parsePeriod } from './period.js'
import { ValueError } from './value-error.js'

describe('parsePeriod', () => {
  test.each([
    ['500ms', 500],
    ['60s', 60_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['30d', 30 * 86_400_000],
    ['0', 0],
    ['0s', 0],
    [' 5s ', 5000],
  ])('%s -> %d ms', (s, ms) => {
    expect(parsePeriod(s, 'timeout')).toBe(ms)
  })

  test.each(['5x', '', 's', '1.5s', '-1s', '10', '1 m', '1S', 'ms'])('rejects %j naming the field', (s) => {
    let err: unknown
    try {
      parsePeriod(s, 'timeout')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ValueError)
    expect((err as ValueError).code).toBe('KM_ERR_VALUE' satisfies ErrorCode)
    expect((err as ValueError).field).toBe('timeout')
    expect((err as ValueError).message).toBe(
      `timeout: invalid period "${s}", expected a number and a unit ms|s|m|h|d such as 60s`,
    )
  })

  test('formatPeriod picks the largest exact unit', () => {
    expect(formatPeriod(0)).toBe('0s')
    expect(formatPeriod(1500)).toBe('1500ms')
    expect(formatPeriod(60_000)).toBe('1m')
    expect(formatPeriod(90_000)).toBe('90s')
    expect(formatPeriod(86_400_000)).toBe('1d')
    expect(() => formatPeriod(-1)).toThrow(ValueError)
    expect(() => formatPeriod(1.5)).toThrow(ValueError)
  })

  test.prop([fc.nat({ max: 1_000 * 86_400_000 })])('parsePeriod(formatPeriod(ms)) === ms', (ms) => {
    expect(parsePeriod(formatPeriod(ms))).toBe(ms)
  })

  test.prop([fc.nat({ max: 1_000_000 }), fc.constantFrom('ms', 's', 'm', 'h', 'd')])(
    'n<unit> parses to n * unit size',
    (n, unit) => {
      const size = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[unit]
      expect(parsePeriod(`${n}${unit}`)).toBe(n * size)
    },
  )
})
