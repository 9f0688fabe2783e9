/** The Java properties reader: comments, separators, continuations and escapes as java.util.Properties reads them. */
import { describe, expect, test } from 'vitest'

import { parseProperties } from './properties.js'

describe('parseProperties (java.util.Properties subset)', () => {
  test('separators, comments, blanks', () => {
    const text = [
      '# comment',
      '! also a comment',
      '',
      'a=1',
      'b : 2',
      'c 3',
      '  d=  4',
      'e=',
      'f',
      'url=http://h:7000/x=y',
    ].join('\n')
    expect(parseProperties(text)).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '', f: '', url: 'http://h:7000/x=y' })
  })

  test('continuations and escapes', () => {
    const text = 'list=a,\\\n    b,\\\n    c\nkey\\=with\\:sep=v\\tw\nuni=\\u00e9\nwin=C:\\\\dir\r\nlast=x'
    expect(parseProperties(text)).toEqual({
      list: 'a,b,c',
      'key=with:sep': 'v\tw',
      uni: 'é',
      win: 'C:\\dir',
      last: 'x',
    })
  })

  test('later keys win; CRLF', () => {
    expect(parseProperties('a=1\r\na=2\r\n')).toEqual({ a: '2' })
  })
})
