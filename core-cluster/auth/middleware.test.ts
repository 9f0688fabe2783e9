/** The authenticator and its middleware on a small hono app: 401 and 403 as the routes ask, the principal on the context, and a fuzz of Authorization headers with no 5xx and no bypass. */

import { fc } from '@fast-check/vitest'
import { Hono } from 'hono'
import { beforeAll, describe, expect, test } from 'vitest'
import { Authenticator } from './authenticator.js'
import { basicAuthorization } from './authorization-header.js'
import { parseAuthFile } from './credentials-file.js'
import { authMiddleware, callerMay, principalOf } from './middleware.js'
import { handlerRoutes, routeRequirement } from './route-table.js'
import { hashPassword, hashToken } from './secret-hash.js'

const ADMIN_PW = 'correct horse battery staple'
const VIEWER_PW = 'päss wörd ✓'
const TOKEN = 'kmt_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo'

let app: Hono
let auth: Authenticator

beforeAll(async () => {
  const cheap = { ln: 10, r: 8, p: 1 }
  auth = new Authenticator(
    parseAuthFile(
      JSON.stringify({
        users: [
          { name: 'admin', role: 'admin', password: await hashPassword(ADMIN_PW, cheap) },
          { name: 'viewer', role: 'viewer', password: await hashPassword(VIEWER_PW, cheap) },
          { name: 'ci', role: 'operator', token: hashToken(TOKEN) },
          { name: 'fw', role: 'framework', password: await hashPassword('fw-secret-0123456789', cheap) },
        ],
      }),
      'test',
    ),
  )
  app = new Hono()
  app.use(
    '*',
    authMiddleware({
      authenticator: auth,
      realm: 'test',
      requirement: routeRequirement({
        '/open': 'public',
        '/read': 'viewer',
        '/write': 'admin',
        '/act': 'operator',
        '/fw': 'framework',
        '/who': 'any',
      }),
    }),
  )
  app.get('/open', (c) => c.text('open'))
  app.get('/read', (c) => c.text('read'))
  app.post('/write', (c) => c.text(`written by ${principalOf(c)?.name}`))
  app.post('/act', (c) => c.text(`admin may: ${callerMay(c, 'admin')}`))
  app.post('/fw', (c) => c.text('fw'))
  app.get('/who', (c) => c.text(principalOf(c)?.name ?? '-'))
  app.get('/forgotten', (c) => c.text('a route the table does not list'))
})

const req = (path: string, authorization?: string, method = path === '/write' || path === '/act' ? 'POST' : 'GET') =>
  app.request(path, { method, headers: authorization ? { authorization } : {} })

describe('authMiddleware', () => {
  test('no credentials: 401 with WWW-Authenticate and the JSON error; public routes pass', async () => {
    const r = await req('/read')
    expect(r.status).toBe(401)
    expect(r.headers.get('www-authenticate')).toBe('Basic realm="test", charset="UTF-8", Bearer realm="test"')
    expect(await r.json()).toEqual({
      error: expect.stringMatching(/^authentication required: send a user and password \(HTTP Basic\) or a token/),
      code: 'KM_ERR_UNAUTHENTICATED',
    })
    expect((await req('/open')).status).toBe(200)
  })

  test('wrong credentials: 401 that does not say which part was wrong', async () => {
    for (const h of [basicAuthorization('admin', 'nope'), basicAuthorization('nobody', ADMIN_PW), 'Bearer kmt_nope']) {
      const r = await req('/read', h)
      expect(r.status).toBe(401)
      expect(((await r.json()) as { error: string }).error).toBe('authentication failed: wrong user, password or token')
    }
  })

  test('roles: a viewer reads and gets 403 naming the role needed; an admin writes; a token authenticates', async () => {
    const viewer = basicAuthorization('viewer', VIEWER_PW)
    expect(await (await req('/read', viewer)).text()).toBe('read')
    const denied = await req('/write', viewer)
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({
      error: 'viewer has role viewer; POST /write needs role admin',
      code: 'KM_ERR_FORBIDDEN',
    })
    expect(await (await req('/write', basicAuthorization('admin', ADMIN_PW))).text()).toBe('written by admin')
    expect(await (await req('/act', `Bearer ${TOKEN}`)).text()).toBe('admin may: false')
    expect((await req('/write', `Bearer ${TOKEN}`)).status).toBe(403)
    expect(await (await req('/act', basicAuthorization('admin', ADMIN_PW))).text()).toBe('admin may: true')
  })

  test('framework principals get nothing of the people roles, and people nothing of framework routes', async () => {
    const fw = basicAuthorization('fw', 'fw-secret-0123456789')
    expect((await req('/read', fw)).status).toBe(403)
    expect((await req('/fw', fw, 'POST')).status).toBe(200)
    expect((await req('/fw', basicAuthorization('admin', ADMIN_PW), 'POST')).status).toBe(403)
    expect(await (await req('/who', fw)).text()).toBe('fw')
  })

  test('fails closed: a route missing from the table needs admin; an unknown path needs credentials before its 404', async () => {
    expect((await req('/forgotten', basicAuthorization('viewer', VIEWER_PW))).status).toBe(403)
    expect((await req('/forgotten', basicAuthorization('admin', ADMIN_PW))).status).toBe(200)
    expect((await req('/nowhere')).status).toBe(401)
    expect((await req('/nowhere', basicAuthorization('viewer', VIEWER_PW))).status).toBe(404)
    expect(handlerRoutes(app).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /open',
      'GET /read',
      'POST /write',
      'POST /act',
      'POST /fw',
      'GET /who',
      'GET /forgotten',
    ])
  })

  test('without an authenticator (authentication off) every request passes and callerMay says yes', async () => {
    const open = new Hono()
    open.use('*', authMiddleware({ realm: 'x', requirement: () => ({ kind: 'role', role: 'admin', action: 'x' }) }))
    open.get('/', (c) => c.text(`${principalOf(c) ?? 'anonymous'} ${callerMay(c, 'admin')}`))
    expect(await (await open.request('/')).text()).toBe('anonymous true')
  })

  test('a verified password is remembered: the second request costs no scrypt', async () => {
    const h = basicAuthorization('viewer', VIEWER_PW)
    await auth.authenticate(h)
    const t = performance.now()
    for (let i = 0; i < 200; i++) expect((await auth.authenticate(h)).ok).toBe(true)
    expect(performance.now() - t).toBeLessThan(1000)
  })
})

describe('a fuzz of Authorization headers', () => {
  const valid = [basicAuthorization('admin', ADMIN_PW), `Bearer ${TOKEN}`]
  /**
   * What the oracle counts as the admin's credentials: Basic with padded base64 whose bytes are
   * exactly `admin:<password>` (base64's unused last bits may differ: RFC 4648 section 3.5).
   */
  const isValidAdmin = (h: string) => {
    const m = /^\s*(\S+) +(\S+)\s*$/.exec(h)
    if (m?.[1].toLowerCase() !== 'basic') return false // the token is an operator's, not an admin's
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(m[2]) || m[2].length % 4 !== 0) return false
    return Buffer.from(m[2], 'base64').equals(Buffer.from(`admin:${ADMIN_PW}`))
  }
  const mutate = (s: string) =>
    fc.oneof(
      fc.nat({ max: s.length - 1 }).map((i) => s.slice(0, i)), // a prefix
      fc
        .tuple(fc.nat({ max: s.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }))
        .map(([i, ch]) => s.slice(0, i) + ch + s.slice(i + 1)),
      fc.string({ maxLength: 8 }).map((x) => s + x), // an extension
      fc.nat({ max: s.length - 1 }).map((i) => s.slice(0, i) + s.slice(i + 1)), // a deletion
    )
  const header = fc.oneof(
    fc.string({ maxLength: 100 }),
    fc.string({ maxLength: 60, unit: 'grapheme' }).map((s) => `Basic ${s}`),
    fc.string({ maxLength: 60, unit: 'grapheme' }).map((s) => `Bearer ${s}`),
    fc
      .tuple(fc.string({ maxLength: 20, unit: 'grapheme' }), fc.string({ maxLength: 20, unit: 'grapheme' }))
      .map(([u, p]) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`),
    fc.uint8Array({ maxLength: 60 }).map((b) => `Basic ${Buffer.from(b).toString('base64')}`),
    fc.constantFrom('admin', 'viewer', 'ci').map((u) => `Basic ${Buffer.from(`${u}:`).toString('base64')}`), // empty password
    fc.nat({ max: 20_000 }).map((n) => `Basic ${'QUFB'.repeat(n)}`), // huge
    fc.nat({ max: TOKEN.length - 1 }).map((n) => `Bearer ${TOKEN.slice(0, n + 1)}`), // a prefix of the valid token
    mutate(valid[0]),
    mutate(valid[1]),
    fc.constantFrom(...valid),
  )

  test('no 5xx, and only the exact credentials of the admin get through a route that needs admin', async () => {
    const counts = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        let res: Response
        try {
          res = await req('/write', h)
        } catch (e) {
          // a header value the Fetch API itself refuses (e.g. a newline) never reaches a server
          if (e instanceof TypeError) return
          throw e
        }
        counts.set(res.status, (counts.get(res.status) ?? 0) + 1)
        expect(res.status).toBeLessThan(500)
        expect(res.status === 200).toBe(isValidAdmin(h))
        if (res.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/)
      }),
      { numRuns: 1500 },
    )
    expect(counts.get(200)).toBeGreaterThan(0)
    expect(counts.get(401)).toBeGreaterThan(1000)
    expect(counts.get(403)).toBeGreaterThan(0) // the operator token, the viewer's password
  })
})
