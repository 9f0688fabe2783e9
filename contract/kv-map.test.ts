/** `k=v` maps: escapes, bare keys, errors naming the field, and the round trip. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'

import { formatMap, parseMap, parseMapEntries } from './kv-map.js'
import { ValueError } from './value-error.js'

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
