/** The scheduler's route table, walked from its hono router: 401 without credentials, 403 for a viewer's mutations, the right role answered as an open scheduler answers; downloads by path token; the audit log's principal; a fuzz of Authorization headers. */

import { fc } from '@fast-check/vitest'
import { pino } from 'pino'
import { beforeAll, describe, expect, test } from 'vitest'
import {
  Authenticator,
  basicAuthorization,
  handlerRoutes,
  hashPassword,
  hashToken,
  PathTokens,
  parseAuthFile,
  type RouteRule,
} from '../../core-cluster/auth/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { offlineScheduler } from '../framework/scheduler.test-support.js'
import { createApi } from './app.js'
import { schedulerRouteRoles } from './route-roles.js'

const log = pino({ level: 'silent' })
const PW = { admin: 'admin-password-0123', operator: 'operator-password-0123', viewer: 'viewer-password-0123' }
const TOKEN = 'kmt_c2NoZWR1bGVyLXRva2VuLTAxMjM0NTY3ODlhYmM'
const ARCHIVE = '/kafka/kafka_2.13-4.4.0.tgz'
const KEY = 'path-token-key-for-this-test'
let authenticator: Authenticator

beforeAll(async () => {
  const cheap = { ln: 10, r: 8, p: 1 }
  authenticator = new Authenticator(
    parseAuthFile(
      JSON.stringify({
        users: [
          { name: 'admin', role: 'admin', password: await hashPassword(PW.admin, cheap) },
          { name: 'operator', role: 'operator', password: await hashPassword(PW.operator, cheap) },
          { name: 'viewer', role: 'viewer', password: await hashPassword(PW.viewer, cheap), token: hashToken(TOKEN) },
          { name: 'fw', role: 'framework', password: await hashPassword('framework-secret-0123', cheap) },
        ],
      }),
      'test',
    ),
  )
})

type App = ReturnType<typeof createApi>

/** A scheduler with no master (its calls recorded), secured by the test's users or open. */
function scheduler(secured: boolean): { s: KafkaScheduler; app: App } {
  const { s } = offlineScheduler()
  const options = s.options as { authenticator?: Authenticator; pathTokens?: PathTokens }
  if (secured) {
    options.authenticator = authenticator
    options.pathTokens = new PathTokens(KEY)
  }
  return { s, app: createApi(s, log) }
}

/** The request a route gets in this test: GET for a GET route, else a POST of `params` (form). */
function requestFor(route: { method: string; path: string }, params: Record<string, string> = {}) {
  const path = route.path.replace(':name', 'kafka_2.13-4.4.0.tgz')
  if (route.method === 'GET') return { path, init: { method: 'GET' } as RequestInit }
  return {
    path,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    } as RequestInit,
  }
}

async function answer(app: App, r: ReturnType<typeof requestFor>, authorization?: string) {
  const headers = new Headers(r.init.headers)
  if (authorization) headers.set('authorization', authorization)
  const res = await app.request(r.path, { ...r.init, headers })
  return { status: res.status, body: await res.text(), challenge: res.headers.get('www-authenticate') }
}

const TABLE = schedulerRouteRoles(new PathTokens(KEY))
const roleOf = (path: string): RouteRule | undefined => TABLE[path]
const MUTATIONS = Object.entries(TABLE)
  .filter(([, r]) => r === 'operator' || r === 'admin')
  .map(([p]) => p)

/** Params that make a mutation do something real on an empty scheduler (others get their 400s). */
const REAL: Record<string, Record<string, string>> = {
  '/api/broker/add': { broker: '0', cpus: '1', mem: '2048', heap: '512' },
  '/api/broker/list': {},
}

describe("the scheduler's route table, from its router", () => {
  test('every route of the router has a rule, and the table names no route the router lacks', () => {
    const { app } = scheduler(true)
    const paths = [...new Set(handlerRoutes(app).map((r) => r.path))].sort()
    expect(paths.length).toBeGreaterThanOrEqual(32)
    expect(paths).toEqual(Object.keys(TABLE).sort())
  })

  test('a route added later without a role needs admin: a viewer and an operator get 403 for it', async () => {
    const { app } = scheduler(true)
    app.post('/api/broker/new-thing', (c) => c.json({ ok: true }))
    const r = requestFor({ method: 'POST', path: '/api/broker/new-thing' })
    expect((await answer(app, r)).status).toBe(401)
    expect((await answer(app, r, basicAuthorization('operator', PW.operator))).status).toBe(403)
    expect((await answer(app, r, basicAuthorization('admin', PW.admin))).status).toBe(200)
    expect(handlerRoutes(app).some((x) => roleOf(x.path) === undefined)).toBe(true)
  })

  test('without credentials: 401 with WWW-Authenticate and the JSON error on every route but /health', async () => {
    const { app } = scheduler(true)
    let n = 0
    for (const route of handlerRoutes(app)) {
      const res = await answer(app, requestFor(route))
      if (route.path === '/health') {
        expect(res.status).toBe(200)
        continue
      }
      n++
      expect(res.status, `${route.method} ${route.path}`).toBe(401)
      expect(res.challenge).toBe('Basic realm="kafka-mesos", charset="UTF-8", Bearer realm="kafka-mesos"')
      expect(JSON.parse(res.body)).toEqual({
        error: 'authentication required: send a user and password (HTTP Basic) or a token (Authorization: Bearer ...)',
        code: 'KM_ERR_UNAUTHENTICATED',
      })
      const wrong = await answer(app, requestFor(route), basicAuthorization('admin', 'not-the-password'))
      expect(wrong.status, `${route.path} wrong password`).toBe(401)
    }
    expect(n).toBeGreaterThanOrEqual(37) // GET and POST of the read routes, POST of the rest
  })

  test("a viewer (password or token): 403 naming the role on every mutation; a framework's principal: 403 on every /api route", async () => {
    const { app, s } = scheduler(true)
    for (const viewer of [basicAuthorization('viewer', PW.viewer), `Bearer ${TOKEN}`])
      for (const path of MUTATIONS) {
        const res = await answer(app, requestFor({ method: 'POST', path }, REAL[path]), viewer)
        expect(res.status, path).toBe(403)
        const need = TABLE[path] as string
        expect(JSON.parse(res.body)).toEqual({
          error: `viewer has role viewer; POST ${path} needs role ${need}${need === 'operator' ? ' (or higher)' : ''}`,
          code: 'KM_ERR_FORBIDDEN',
        })
      }
    expect(MUTATIONS.length).toBe(17)
    expect(s.state.brokers).toEqual([]) // nothing was done
    const operator = basicAuthorization('operator', PW.operator)
    for (const path of MUTATIONS.filter((p) => TABLE[p] === 'admin'))
      expect((await answer(app, requestFor({ method: 'POST', path }), operator)).status, path).toBe(403)
    const fw = basicAuthorization('fw', 'framework-secret-0123')
    for (const route of handlerRoutes(app).filter((r) => r.path.startsWith('/api/')))
      expect((await answer(app, requestFor(route), fw)).status, route.path).toBe(403)
  })

  test('with the right role: the same answers as a scheduler without authentication', async () => {
    const { app: probe } = scheduler(true)
    const seen = new Map<number, number>()
    for (const route of handlerRoutes(probe)) {
      const rule = TABLE[route.path]
      const who =
        rule === 'viewer'
          ? [basicAuthorization('viewer', PW.viewer), `Bearer ${TOKEN}`, basicAuthorization('admin', PW.admin)]
          : rule === 'operator'
            ? [basicAuthorization('operator', PW.operator), basicAuthorization('admin', PW.admin)]
            : [basicAuthorization('admin', PW.admin)]
      for (const h of who) {
        // a fresh pair each time: a mutation that succeeds on one does so on the other
        const r = requestFor(route, REAL[route.path])
        const want = await answer(scheduler(false).app, r)
        const got = await answer(scheduler(true).app, r, h)
        expect({ ...got, challenge: null }, `${route.method} ${route.path}`).toEqual(want)
        seen.set(want.status, (seen.get(want.status) ?? 0) + 1)
      }
    }
    expect(seen.get(200)).toBeGreaterThan(10) // reads and a real broker add, not only 400s
  })
})

describe('downloads and the audit log', () => {
  test("the task URI's path token fetches the archive without a header; a wrong or another path's token is 401", async () => {
    const { app } = scheduler(true)
    const tokens = new PathTokens(KEY)
    // the file is absent in this test (/x/...): 404 means the request got past authentication
    const ok = await app.request(tokens.withToken(ARCHIVE))
    expect(ok.status).toBe(404)
    expect((await app.request(`${ARCHIVE}?km_token=${tokens.mint('/agents/x.jar')}`)).status).toBe(401)
    expect((await app.request(`${ARCHIVE}?km_token=${tokens.mint(ARCHIVE).slice(0, -1)}`)).status).toBe(401)
    expect((await app.request(`${ARCHIVE}?km_token=`)).status).toBe(401)
    expect((await app.request(ARCHIVE, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404)
  })

  test('the audit log names the authenticated principal, not what X-KM-User claims', async () => {
    const { app } = scheduler(true)
    const add = requestFor({ method: 'POST', path: '/api/broker/add' }, REAL['/api/broker/add'])
    const headers = new Headers(add.init.headers)
    headers.set('authorization', basicAuthorization('admin', PW.admin))
    headers.set('x-km-user', 'mallory')
    expect((await app.request(add.path, { ...add.init, headers })).status).toBe(200)
    const ops = await app.request('/api/log/ops', { headers: { authorization: `Bearer ${TOKEN}` } })
    const { ops: entries } = (await ops.json()) as { ops: Array<{ who: { user: string | null }; op: string }> }
    expect(entries.map((e) => [e.who.user, e.op])).toEqual([['admin', 'broker/add']])
  })
})

describe('a fuzz of Authorization headers on the scheduler', () => {
  const valid = basicAuthorization('viewer', PW.viewer)
  const isValid = (h: string) => {
    const m = /^\s*(\S+) +(\S+)\s*$/.exec(h)
    if (!m) return false
    if (m[1].toLowerCase() === 'bearer') return m[2] === TOKEN
    if (m[1].toLowerCase() !== 'basic' || !/^[A-Za-z0-9+/]*={0,2}$/.test(m[2]) || m[2].length % 4 !== 0) return false
    const text = Buffer.from(m[2], 'base64')
    return Object.entries(PW).some(([u, p]) => text.equals(Buffer.from(`${u}:${p}`)))
  }
  const header = fc.oneof(
    fc.string({ maxLength: 100 }),
    fc.string({ maxLength: 60, unit: 'grapheme' }).map((s) => `Basic ${s}`),
    fc.string({ maxLength: 60, unit: 'grapheme' }).map((s) => `Bearer ${s}`),
    fc.uint8Array({ maxLength: 60 }).map((b) => `Basic ${Buffer.from(b).toString('base64')}`),
    fc
      .tuple(fc.constantFrom('viewer', 'admin'), fc.string({ maxLength: 20, unit: 'grapheme' }))
      .map(([u, p]) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`),
    fc.constantFrom('viewer', 'admin').map((u) => `Basic ${Buffer.from(`${u}:`).toString('base64')}`),
    fc.nat({ max: 20_000 }).map((n) => `Basic ${'QUFB'.repeat(n)}`),
    fc.nat({ max: TOKEN.length - 1 }).map((n) => `Bearer ${TOKEN.slice(0, n + 1)}`),
    fc.nat({ max: valid.length - 1 }).map((n) => valid.slice(0, n)),
    fc.string({ maxLength: 8 }).map((x) => valid + x),
    fc.constantFrom(valid, `Bearer ${TOKEN}`, basicAuthorization('admin', PW.admin)),
  )

  test('no 5xx; only real credentials read the broker list; only the admin adds a broker', async () => {
    const { app, s } = scheduler(true)
    const counts = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        let list: { status: number }
        let add: { status: number }
        try {
          list = await answer(app, requestFor({ method: 'GET', path: '/api/broker/list' }), h)
          add = await answer(app, requestFor({ method: 'POST', path: '/api/broker/add' }, { broker: 'nope' }), h)
        } catch (e) {
          if (e instanceof TypeError) return // a value the Fetch API refuses never reaches a server
          throw e
        }
        counts.set(list.status, (counts.get(list.status) ?? 0) + 1)
        expect(list.status).toBeLessThan(500)
        expect(add.status).toBeLessThan(500)
        expect(list.status === 200).toBe(isValid(h))
        // the admin's add reaches the handler (a 400 for broker=nope); nobody else's does
        const isAdmin = h === basicAuthorization('admin', PW.admin)
        expect(add.status === 400).toBe(isAdmin)
      }),
      { numRuns: 600 },
    )
    expect(s.state.brokers).toEqual([])
    expect(counts.get(200)).toBeGreaterThan(0)
    expect(counts.get(401)).toBeGreaterThan(300)
  })
})
