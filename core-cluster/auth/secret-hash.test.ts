/** Stored secrets: scrypt hashes verify their password and nothing else; token hashes likewise; malformed hashes never verify. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  hashPassword,
  hashToken,
  newSecret,
  passwordHashProblem,
  secretsEqual,
  tokenHashProblem,
  verifyPassword,
  verifyToken,
} from './secret-hash.js'

const cheap = { ln: 10, r: 8, p: 1 }

describe('password hashes (scrypt)', () => {
  test('a hash is a self-describing PHC string with a random salt', async () => {
    const a = await hashPassword('s3cret', cheap)
    const b = await hashPassword('s3cret', cheap)
    expect(a).toMatch(/^\$scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
    expect(a).not.toBe(b)
    expect(passwordHashProblem(a)).toBeUndefined()
  })

  test.prop([fc.string({ minLength: 1, maxLength: 30 }), fc.string({ minLength: 1, maxLength: 30 })], { numRuns: 15 })(
    'verifies its own password and refuses any other',
    async (pw, other) => {
      const h = await hashPassword(pw, cheap)
      expect(await verifyPassword(pw, h)).toBe(true)
      if (other.normalize('NFC') !== pw.normalize('NFC')) expect(await verifyPassword(other, h)).toBe(false)
    },
  )

  test('the default cost is ln=15 (32 MiB of memory)', async () => {
    const h = await hashPassword('x')
    expect(h).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$/)
    expect(await verifyPassword('x', h)).toBe(true)
  })

  test('malformed hashes, and costs outside the bounds, never verify and say why', async () => {
    for (const bad of [
      'plain',
      '$scrypt$ln=15$a$b',
      `$scrypt$ln=30,r=8,p=1$aaaaaaaaaaaaaaaaaaaaaa$${'a'.repeat(43)}`,
    ]) {
      expect(passwordHashProblem(bad)).toBeDefined()
      expect(await verifyPassword('plain', bad)).toBe(false)
    }
  })
})

describe('token hashes (sha256)', () => {
  test('a token verifies against its hash; its prefixes, extensions and neighbours do not', () => {
    const t = newSecret('kmt_')
    const h = hashToken(t)
    expect(tokenHashProblem(h)).toBeUndefined()
    expect(verifyToken(t, h)).toBe(true)
    for (let i = 1; i < t.length; i++) expect(verifyToken(t.slice(0, i), h)).toBe(false)
    expect(verifyToken(`${t}x`, h)).toBe(false)
    expect(
      verifyToken(
        t.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')),
        h,
      ),
    ).toBe(false)
    expect(verifyToken(t, 'not-a-hash')).toBe(false)
  })

  test('new secrets are 256 random bits', () => {
    const s = new Set(Array.from({ length: 100 }, () => newSecret()))
    expect(s.size).toBe(100)
    for (const x of s) expect(x).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(secretsEqual('a', 'a')).toBe(true)
    expect(secretsEqual('a', 'ab')).toBe(false)
  })
})
