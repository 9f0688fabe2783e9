/** Ranges: examples, refused forms, and the round trip. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'

import { formatRange, parseRange } from './range.js'
import { ValueError } from './value-error.js'

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
