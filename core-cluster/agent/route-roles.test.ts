/** The agent's route table, walked from its router: 401 without credentials, 403 for a viewer's writes, the right role answered as an open agent answers; and a fuzz of Authorization headers on its API. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fc } from '@fast-check/vitest'
import type { Hono } from 'hono'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  Authenticator,
  basicAuthorization,
  handlerRoutes,
  hashPassword,
  hashToken,
  parseAuthFile,
} from '../auth/index.js'
import { parseResources } from '../proto/index.js'
import { Agent, type AgentOptions } from './agent.js'
import { AGENT_OPERATOR_CALL_ROLES, AGENT_ROUTE_ROLES } from './route-roles.js'
import { createAgentApp } from './server.js'

const log = pino({ level: 'silent' })
const PW = { admin: 'admin-password-0123', operator: 'operator-password-0123', viewer: 'viewer-password-0123' }
const TOKEN = 'kmt_dmlld2VyLXRva2VuLTAxMjM0NTY3ODlhYmNkZWY'

let dirs: string[] = []
let secured: Hono
let open: Hono
let securedAgent: Agent

function agentAt(extra: Partial<AgentOptions>): Agent {
  const workDir = mkdtempSync(join(tmpdir(), 'km-agent-routes-'))
  dirs.push(workDir)
  // never started: the routes answer from its (empty) state, no master is needed
  return new Agent({
    master: '127.0.0.1:1',
    host: '127.0.0.1',
    port: 5051,
    resources: parseResources('cpus:1;mem:512'),
    attributes: [],
    workDir,
    logger: log,
    enforceMemoryLimits: false,
    ...extra,
  })
}

beforeAll(async () => {
  const cheap = { ln: 10, r: 8, p: 1 }
  const users = parseAuthFile(
    JSON.stringify({
      users: [
        { name: 'admin', role: 'admin', password: await hashPassword(PW.admin, cheap) },
        { name: 'operator', role: 'operator', password: await hashPassword(PW.operator, cheap) },
        { name: 'viewer', role: 'viewer', password: await hashPassword(PW.viewer, cheap), token: hashToken(TOKEN) },
        { name: 'fw', role: 'framework', password: await hashPassword('framework-secret-0123', cheap) },
      ],
    }),
    'test',
  )
  securedAgent = agentAt({ authenticator: new Authenticator(users) })
  secured = createAgentApp(securedAgent, log) as unknown as Hono
  open = createAgentApp(agentAt({ authenticateExecutors: false }), log) as unknown as Hono
})
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  dirs = []
})

/** A request that reaches the route's handler for a route `{method, path}` of the router (ALL: a POST). */
function requestFor(route: { method: string; path: string }, body?: object): { path: string; init: RequestInit } {
  const method = route.method === 'ALL' ? 'POST' : route.method
  const json = body ?? (route.path === '/api/v1' ? { type: 'GET_HEALTH' } : undefined)
  return {
    path: route.path,
    init: {
      method,
      headers: json ? { 'Content-Type': 'application/json' } : {},
      ...(json && method !== 'GET' ? { body: JSON.stringify(json) } : {}),
    },
  }
}

async function answer(app: Hono, r: { path: string; init: RequestInit }, authorization?: string) {
  const headers = new Headers(r.init.headers)
  if (authorization) headers.set('authorization', authorization)
  const res = await app.request(r.path, { ...r.init, headers })
  return { status: res.status, body: await res.text() }
}

/** The operator calls a viewer may not make: every call type outside the table (a write added later among them). */
const WRITES = ['LAUNCH_NESTED_CONTAINER', 'KILL_NESTED_CONTAINER', 'REMOVE_NESTED_CONTAINER', 'SET_LOGGING_LEVEL']

describe("the agent's route table, from its router", () => {
  test('every route of the router has a rule, and the table names no route the router lacks', () => {
    const paths = [...new Set(handlerRoutes(secured).map((r) => r.path))].sort()
    expect(paths).toEqual(Object.keys(AGENT_ROUTE_ROLES).sort())
  })

  test('without credentials: 401 on every route but /health (the executor API too: it wants a token)', async () => {
    const seen: string[] = []
    for (const route of handlerRoutes(secured)) {
      const res = await answer(secured, requestFor(route))
      seen.push(`${route.method} ${route.path} ${res.status}`)
      expect(res.status, `${route.method} ${route.path}`).toBe(route.path === '/health' ? 200 : 401)
    }
    expect(seen.length).toBeGreaterThanOrEqual(7)
  })

  test("a viewer: 403 on every write; a framework's or an agent's principal reads nothing", async () => {
    const viewer = basicAuthorization('viewer', PW.viewer)
    for (const type of WRITES) {
      const res = await answer(secured, requestFor({ method: 'POST', path: '/api/v1' }, { type }), viewer)
      expect(res.status, type).toBe(403)
      expect(JSON.parse(res.body)).toEqual({
        error: `viewer has role viewer; agent call ${type} needs role operator (or higher)`,
        code: 'KM_ERR_FORBIDDEN',
      })
    }
    const fw = basicAuthorization('fw', 'framework-secret-0123')
    for (const route of handlerRoutes(secured).filter((r) => r.path !== '/health' && r.path !== '/api/v1/executor'))
      expect((await answer(secured, requestFor(route), fw)).status, route.path).toBe(403)
  })

  test('with the right role: the same answers as an agent without authentication', async () => {
    const who = [basicAuthorization('viewer', PW.viewer), `Bearer ${TOKEN}`, basicAuthorization('admin', PW.admin)]
    for (const route of handlerRoutes(secured)) {
      if (route.path === '/api/v1/executor') continue // below: its credential is an executor token
      const calls =
        route.path === '/api/v1' ? Object.keys(AGENT_OPERATOR_CALL_ROLES).map((type) => ({ type })) : [undefined]
      for (const body of calls) {
        const r = requestFor(route, body)
        const want = await answer(open, r)
        for (const h of who) expect(await answer(secured, r, h), `${route.path} ${JSON.stringify(body)}`).toEqual(want)
      }
    }
    // an operator may make a call the agent does not have: the same 400 as an open agent's
    const unknown = requestFor({ method: 'POST', path: '/api/v1' }, { type: 'SET_LOGGING_LEVEL' })
    expect(await answer(secured, unknown, basicAuthorization('operator', PW.operator))).toEqual(
      await answer(open, unknown),
    )
  })

  test('the executor API with a token this agent signed: the same answer as an open agent (an unknown executor: 400)', async () => {
    const token = securedAgent.executorAuth!.token({ frameworkId: 'fw-1', executorId: 'e-1', container: { id: 'c-1' } })
    const r = requestFor(
      { method: 'POST', path: '/api/v1/executor' },
      { type: 'HEARTBEAT', framework_id: { value: 'fw-1' }, executor_id: { value: 'e-1' } },
    )
    expect(await answer(secured, r, `Bearer ${token}`)).toEqual(await answer(open, r))
    const update = requestFor(
      { method: 'POST', path: '/api/v1/executor' },
      { type: 'MESSAGE', framework_id: { value: 'fw-1' }, executor_id: { value: 'e-1' }, message: { data: '' } },
    )
    const want = await answer(open, update)
    expect(want.status).toBe(400)
    expect(await answer(secured, update, `Bearer ${token}`)).toEqual(want)
  })
})

describe('a fuzz of Authorization headers on the agent', () => {
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
    fc.constantFrom('viewer', 'admin').map((u) => `Basic ${Buffer.from(`${u}:`).toString('base64')}`),
    fc.nat({ max: 20_000 }).map((n) => `Basic ${'QUFB'.repeat(n)}`),
    fc.nat({ max: TOKEN.length - 1 }).map((n) => `Bearer ${TOKEN.slice(0, n + 1)}`),
    fc.nat({ max: valid.length - 1 }).map((n) => valid.slice(0, n)),
    fc.string({ maxLength: 8 }).map((x) => valid + x),
    fc.constantFrom(valid, `Bearer ${TOKEN}`),
  )

  test('no 5xx on /state or the executor API, and only real credentials read /state', async () => {
    const counts = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(header, async (h) => {
        let state: { status: number }
        let executor: { status: number }
        try {
          state = await answer(secured, requestFor({ method: 'GET', path: '/state' }), h)
          executor = await answer(
            secured,
            requestFor(
              { method: 'POST', path: '/api/v1/executor' },
              { type: 'HEARTBEAT', framework_id: { value: 'f' }, executor_id: { value: 'e' } },
            ),
            h,
          )
        } catch (e) {
          if (e instanceof TypeError) return // a value the Fetch API refuses never reaches a server
          throw e
        }
        counts.set(state.status, (counts.get(state.status) ?? 0) + 1)
        expect(state.status).toBeLessThan(500)
        expect(state.status === 200).toBe(isValid(h))
        // no user credential, however mangled, is an executor token
        expect(executor.status).toBe(401)
      }),
      { numRuns: 800 },
    )
    expect(counts.get(200)).toBeGreaterThan(0)
    expect(counts.get(401)).toBeGreaterThan(500)
  })
})
