import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'

import {
  formatMap,
  formatPeriod,
  formatRange,
  parseMap,
  parseMapEntries,
  parsePeriod,
  parseRange,
  ValueError,
} from './values.js'

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
    expect((err as ValueError).code).toBe('KM_ERR_VALUE')
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

describe('parseRange', () => {
  test('examples', () => {
    expect(parseRange('31092', 'port')).toEqual({ start: 31092, end: 31092 })
    expect(parseRange('31090..31100', 'port')).toEqual({ start: 31090, end: 31100 })
    expect(formatRange({ start: 5, end: 5 })).toBe('5')
    expect(formatRange({ start: 5, end: 7 })).toBe('5..7')
  })

  test.each(['', 'x', '..5', '5..', '1...2', '-1', '1..2..3', '1,2'])('rejects %j', (s) => {
    expect(() => parseRange(s, 'port')).toThrow(
      new ValueError('port', `invalid range "${s}", expected N or A..B such as 31090..31100`),
    )
  })

  test('start > end is an error', () => {
    expect(() => parseRange('10..5', 'port')).toThrow('port: invalid range "10..5", start 10 is greater than end 5')
  })

  test.prop([fc.nat(), fc.nat()])('round-trips any valid range', (a, b) => {
    const r = { start: Math.min(a, b), end: Math.max(a, b) }
    expect(parseRange(formatRange(r))).toEqual(r)
  })
})

describe('parseMap', () => {
  test('examples', () => {
    expect(parseMap('k=v,k2=v2')).toEqual({ k: 'v', k2: 'v2' })
    expect(parseMap('')).toEqual({})
    expect(parseMap('a=1\\,2,b=x\\=y,c=back\\\\slash')).toEqual({ a: '1,2', b: 'x=y', c: 'back\\slash' })
    expect(parseMap('a=b=c')).toEqual({ a: 'b=c' })
    expect(parseMap('a=,b=1,')).toEqual({ a: '', b: '1' })
    expect(parseMap('re=^a\\d+$')).toEqual({ re: '^a\\d+$' })
    expect(parseMap('a=1,a=2')).toEqual({ a: '2' })
  })

  test('errors name the field', () => {
    expect(() => parseMap('a=1,b', 'options')).toThrow('options: invalid map entry "b" in "a=1,b", expected k=v')
    expect(() => parseMap('=1', 'options')).toThrow('options: invalid map entry "=1" in "=1", empty key')
  })

  test('bare keys with parseMapEntries', () => {
    expect(parseMapEntries('rack,dc=d*', 'broker', { bareKeys: true })).toEqual([
      ['rack', null],
      ['dc', 'd*'],
    ])
  })

  test('formatMap escapes', () => {
    expect(formatMap({ a: '1,2', 'b=c': 'x\\y' })).toBe('a=1\\,2,b\\=c=x\\\\y')
    expect(() => formatMap({ '': 'x' })).toThrow(ValueError)
  })

  const text = fc.string({ unit: fc.constantFrom('a', 'b', ',', '=', '\\', ' ', 'é', 'z', '*') })
  test.prop([
    fc.dictionary(
      text.filter((k) => k !== ''),
      text,
    ),
  ])('parseMap(formatMap(r)) equals r', (r) => {
    expect(parseMap(formatMap(r))).toEqual(r)
  })
})
