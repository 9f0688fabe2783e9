/** Executor tokens and path tokens: each verifies only for what it was minted for, under its own key. */

import { createHmac, randomBytes } from 'node:crypto'
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { mintExecutorToken, verifyExecutorToken } from './executor-token.js'
import { PathTokens } from './path-token.js'

const id = fc.string({ minLength: 1, maxLength: 40 })

describe('executor tokens (JWT HS256, claims fid/eid/cid)', () => {
  const key = randomBytes(32)

  test.prop([id, id, id])('a token gives back its claims under its key only', (fid, eid, cid) => {
    const t = mintExecutorToken(key, { fid, eid, cid })
    expect(verifyExecutorToken(key, t)).toEqual({ fid, eid, cid })
    expect(verifyExecutorToken(randomBytes(32), t)).toBe('bad signature')
  })

  test('a changed payload, the none algorithm, a truncated token or an expired one are refused', () => {
    const t = mintExecutorToken(key, { fid: 'f', eid: 'x', cid: 'c' })
    const [h, , s] = t.split('.')
    const forged = Buffer.from(JSON.stringify({ fid: 'f', eid: 'y', cid: 'c' })).toString('base64url')
    expect(verifyExecutorToken(key, `${h}.${forged}.${s}`)).toBe('bad signature')
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')
    expect(verifyExecutorToken(key, `${none}.${t.split('.')[1]}.`)).toBe('not a compact JWT')
    expect(verifyExecutorToken(key, t.slice(0, -2))).toBe('bad signature')
    expect(verifyExecutorToken(key, 'a.b')).toBe('not a compact JWT')
    // a token signed with our key but claiming an exp in the past
    const exp = Buffer.from(JSON.stringify({ fid: 'f', eid: 'x', cid: 'c', exp: 1 })).toString('base64url')
    const sig = createHmac('sha256', key).update(`${h}.${exp}`).digest('base64url')
    expect(verifyExecutorToken(key, `${h}.${exp}.${sig}`)).toBe('expired')
  })
})

describe('path tokens', () => {
  test.prop([fc.string({ minLength: 1, maxLength: 60 }), fc.string({ minLength: 1, maxLength: 60 })])(
    'a token opens its own path and no other',
    (a, b) => {
      const tokens = new PathTokens()
      expect(tokens.check(a, tokens.mint(a))).toBe(true)
      if (a !== b) expect(tokens.check(b, tokens.mint(a))).toBe(false)
    },
  )

  test('tokens from a secret survive a restart; random keys do not; a missing or cut token fails', () => {
    const a = PathTokens.fromSecret('the scheduler secret')
    const b = PathTokens.fromSecret('the scheduler secret')
    expect(a.mint('/kafka/k.tgz')).toBe(b.mint('/kafka/k.tgz'))
    expect(new PathTokens().mint('/kafka/k.tgz')).not.toBe(a.mint('/kafka/k.tgz'))
    expect(a.withToken('/kafka/k.tgz')).toMatch(/^\/kafka\/k\.tgz\?km_token=[A-Za-z0-9_-]{43}$/)
    expect(a.check('/kafka/k.tgz', undefined)).toBe(false)
    expect(a.check('/kafka/k.tgz', a.mint('/kafka/k.tgz').slice(0, 10))).toBe(false)
  })
})
