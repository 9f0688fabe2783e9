/** Java `.properties` text: parsing rules and the round trip through formatProperties. */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatProperties, parseProperties } from './java-properties.js'

describe('parseProperties', () => {
  it('reads separators, comments, continuations and escapes', () => {
    const p = parseProperties('# c\n! c2\n a = 1\nb:2\nc 3\nd=x\\\n   y\ne=a\\=b\\u0041\nf=\n')
    expect([...p]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', 'xy'],
      ['e', 'a=bA'],
      ['f', ''],
    ])
  })
  it('round-trips through formatProperties', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (obj) => {
        const m = new Map(Object.entries(obj))
        expect([...parseProperties(formatProperties(m, 'hdr\nline2'))]).toEqual([...m])
      }),
    )
  })
})
