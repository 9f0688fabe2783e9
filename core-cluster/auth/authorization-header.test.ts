/** Parsing `Authorization` headers: what a client sends comes back, and malformed values are refused with a reason, never thrown. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  basicAuthorization,
  hasControlCharacters,
  MAX_AUTHORIZATION_LENGTH,
  parseAuthorization,
} from './authorization-header.js'

/** A user name without ":" and control characters; a password without control characters. */
const user = fc
  .string({ minLength: 1, maxLength: 40, unit: 'grapheme' })
  .filter((s) => !s.includes(':') && !hasControlCharacters(s))
const password = fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }).filter((s) => !hasControlCharacters(s))

describe('parseAuthorization', () => {
  test.prop([user, password])('Basic credentials a client encodes are read back exactly (unicode too)', (u, p) => {
    expect(parseAuthorization(basicAuthorization(u, p))).toEqual({
      ok: true,
      credential: { scheme: 'basic', user: u, password: p },
    })
  })

  test.prop([fc.string({ maxLength: 200 })])('any text is an answer, never an exception', (text) => {
    const r = parseAuthorization(text)
    if (r !== undefined) expect(typeof r.ok).toBe('boolean')
  })

  test.prop([fc.stringMatching(/^[A-Za-z0-9\-._~+/]{1,80}=*$/)])(
    'Bearer tokens of RFC 6750 characters are read',
    (t) => {
      expect(parseAuthorization(`Bearer ${t}`)).toEqual({ ok: true, credential: { scheme: 'bearer', token: t } })
      expect(parseAuthorization(`bearer  ${t}`)).toEqual({ ok: true, credential: { scheme: 'bearer', token: t } })
    },
  )

  test('no header, or an empty one, means no credentials', () => {
    expect(parseAuthorization(undefined)).toBeUndefined()
    expect(parseAuthorization(null)).toBeUndefined()
    expect(parseAuthorization('   ')).toBeUndefined()
  })

  const refused: Array<[string, string, RegExp]> = [
    ['another scheme', 'Digest username="a"', /not supported; use Basic or Bearer/],
    ['a scheme alone', 'Basic', /not "<scheme> <credentials>"/],
    ['two credentials', 'Basic YTpi YTpi', /not "<scheme> <credentials>"/],
    ['base64 with a bad character', 'Basic YT*6Yg==', /not base64/],
    ['base64 without its padding', 'Basic YTpiYw', /not base64/],
    [
      'base64 of bytes that are not UTF-8',
      `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString('base64')}`,
      /not UTF-8/,
    ],
    ['no colon', `Basic ${Buffer.from('admin').toString('base64')}`, /no ":"/],
    ['an empty user', `Basic ${Buffer.from(':pw').toString('base64')}`, /empty user/],
    ['an empty password', `Basic ${Buffer.from('admin:').toString('base64')}`, /empty password/],
    ['a control character', `Basic ${Buffer.from('ad\u0000min:pw').toString('base64')}`, /control characters/],
    ['a token with a space inside', 'Bearer abc def', /not "<scheme> <credentials>"/],
    ['a token with characters outside RFC 6750', 'Bearer abc"def', /RFC 6750/],
    ['a huge value', `Bearer ${'a'.repeat(MAX_AUTHORIZATION_LENGTH)}`, /longer than 4096/],
  ]
  for (const [what, header, reason] of refused)
    test(`refuses ${what}`, () => {
      const r = parseAuthorization(header)
      expect(r?.ok).toBe(false)
      if (r && !r.ok) expect(r.reason).toMatch(reason)
    })
})
