/** The master's v1 scheduler and operator API tests: SUBSCRIBE, offers, filters, reconciliation, weights, views. */

import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readRecords } from '../http/index.js'
import {
  AGENT_STREAM_HEADER,
  decode,
  encode,
  JSON_TYPE,
  PROTOBUF_TYPE,
  parseResources,
  type scheduler,
} from '../proto/index.js'
import { type RunningMaster, startMaster } from './server.js'

const log = pino({ level: 'silent' })

/** A raw v1 scheduler connection: the subscription stream plus calls with its stream id. */
async function subscribe(address: string, name = 'test', accept = JSON_TYPE) {
  const call: scheduler.Call = { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root', name } } }
  const ac = new AbortController()
  const res = await fetch(`http://${address}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': JSON_TYPE, Accept: accept },
    body: JSON.stringify(call),
    signal: ac.signal,
  })
  expect(res.status).toBe(200)
  const streamId = res.headers.get('mesos-stream-id')!
  const events: scheduler.Event[] = []
  const waiters: Array<() => void> = []
  void (async () => {
    try {
      for await (const r of readRecords(res.body!)) {
        events.push(decode<scheduler.Event>('mesos.v1.scheduler.Event', r, accept))
        for (const w of waiters.splice(0)) w()
      }
    } catch {
      // aborted
    }
  })()
  const next = async (type: string, timeoutMs = 5000): Promise<scheduler.Event> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = events.findIndex((e) => e.type === type)
      if (i >= 0) return events.splice(i, 1)[0]
      if (Date.now() > deadline)
        throw new Error(`no ${type} event within ${timeoutMs} ms; got ${events.map((e) => e.type)}`)
      await new Promise<void>((r) => {
        waiters.push(r)
        setTimeout(r, 100)
      })
    }
  }
  const subscribed = await next('SUBSCRIBED')
  const frameworkId = subscribed.subscribed!.framework_id.value
  const send = (c: scheduler.Call, headers: Record<string, string> = {}) =>
    fetch(`http://${address}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, 'Mesos-Stream-Id': streamId, ...headers },
      body: JSON.stringify({ ...c, framework_id: { value: frameworkId } }),
    })
  return { streamId, frameworkId, events, next, send, close: () => ac.abort() }
}

/** Registers a fake agent over the agent link (protobuf), returning its id. */
async function fakeAgent(address: string, host: string, resources: string) {
  const ac = new AbortController()
  const body = encode(
    'kafka_mesos.agent.Call',
    {
      type: 'REGISTER',
      register: { agent_info: { hostname: host, port: 5051, resources: parseResources(resources) } },
    },
    PROTOBUF_TYPE,
  )
  const res = await fetch(`http://${address}/internal/agent`, {
    method: 'POST',
    headers: { 'Content-Type': PROTOBUF_TYPE },
    body: Buffer.from(body),
    signal: ac.signal,
  })
  const events: Array<{ type?: string }> = []
  void (async () => {
    try {
      for await (const r of readRecords(res.body!)) events.push(decode('kafka_mesos.agent.Event', r, PROTOBUF_TYPE))
    } catch {
      // aborted
    }
  })()
  return { events, close: () => ac.abort() }
}

describe('master: v1 scheduler API', () => {
  let m: RunningMaster
  beforeAll(async () => {
    m = await startMaster({
      host: '127.0.0.1',
      port: 0,
      logger: log,
      heartbeatIntervalSeconds: 1,
      allocationIntervalMs: 50,
    })
  })
  afterAll(() => m.close())

  test('SUBSCRIBE streams SUBSCRIBED then HEARTBEATs, with a Mesos-Stream-Id', async () => {
    const s = await subscribe(m.address)
    expect(s.streamId).toMatch(/^[0-9a-f-]{36}$/)
    expect(s.frameworkId.startsWith(m.master.ids.masterId)).toBe(true)
    await s.next('HEARTBEAT')
    await s.next('HEARTBEAT', 3000) // periodic, 1 s here
    s.close()
  })

  test('protobuf streams work too', async () => {
    const s = await subscribe(m.address, 'proto', PROTOBUF_TYPE)
    await s.next('HEARTBEAT')
    s.close()
  })

  test.each([
    ['GET', undefined, '', 405],
    ['POST', undefined, '{}', 400],
    ['POST', 'text/plain', '{}', 415],
    ['POST', 'application/json', '{not json', 400],
    ['POST', 'application/json', '{"type":"SUBSCRIBE"}', 400],
    ['POST', 'application/json', '{"type":"DECLINE","framework_id":{"value":"nope"},"decline":{}}', 400],
  ])('%s with Content-Type %s and body %s answers %i', async (method, type, body, status) => {
    const res = await fetch(`http://${m.address}/api/v1/scheduler`, {
      method,
      headers: type ? { 'Content-Type': type } : {},
      body: method === 'GET' ? undefined : new TextEncoder().encode(body),
    })
    expect(res.status).toBe(status)
    expect((await res.text()).length).toBeGreaterThan(0)
  })

  test('a call with a stale stream id is refused; re-SUBSCRIBE fails the old stream over', async () => {
    const a = await subscribe(m.address, 'failover')
    const again = await fetch(`http://${m.address}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE },
      body: JSON.stringify({
        type: 'SUBSCRIBE',
        framework_id: { value: a.frameworkId },
        subscribe: { framework_info: { user: 'root', name: 'failover', id: { value: a.frameworkId } } },
      }),
    })
    expect(again.status).toBe(200)
    const err = await a.next('ERROR')
    expect(err.error?.message).toBe('Framework failed over')
    const stale = await a.send({ type: 'REVIVE', revive: {} })
    expect(stale.status).toBe(400)
    await again.body?.cancel()
  })

  test('offers go out, DECLINE filters the agent, REVIVE clears the filter', async () => {
    const agent = await fakeAgent(m.address, '127.0.1.9', 'cpus:2;mem:2048;ports:[31000-31010]')
    const s = await subscribe(m.address, 'offers')
    const first = (await s.next('OFFERS')).offers!.offers!
    const mine = first.find((o) => o.hostname === '127.0.1.9')!
    expect(mine.url?.address.ip).toBe('127.0.1.9')
    expect(mine.resources?.find((r) => r.name === 'cpus')?.scalar?.value).toBe(2)
    expect(
      (await s.send({ type: 'DECLINE', decline: { offer_ids: [mine.id], filters: { refuse_seconds: 3600 } } })).status,
    ).toBe(202)
    await new Promise((r) => setTimeout(r, 300))
    expect(
      s.events.filter((e) => e.type === 'OFFERS' && e.offers?.offers?.some((o) => o.hostname === '127.0.1.9')),
    ).toHaveLength(0)
    expect((await s.send({ type: 'REVIVE', revive: {} })).status).toBe(202)
    const again = await s.next('OFFERS')
    expect(again.offers!.offers!.some((o) => o.hostname === '127.0.1.9')).toBe(true)
    s.close()
    agent.close()
  })

  test('a launch on an invalid offer is answered TASK_LOST with REASON_INVALID_OFFERS', async () => {
    const s = await subscribe(m.address, 'invalid')
    const task = {
      name: 't',
      task_id: { value: 't1' },
      agent_id: { value: 'x' },
      command: { value: 'true' },
      resources: parseResources('cpus:0.1;mem:32'),
    }
    expect(
      (
        await s.send({
          type: 'ACCEPT',
          accept: {
            offer_ids: [{ value: 'no-such-offer' }],
            operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }],
          },
        })
      ).status,
    ).toBe(202)
    const u = await s.next('UPDATE')
    expect(u.update?.status.state).toBe('TASK_LOST')
    expect(u.update?.status.reason).toBe('REASON_INVALID_OFFERS')
    s.close()
  })

  test('explicit reconciliation of an unknown task answers TASK_LOST without a uuid', async () => {
    const s = await subscribe(m.address, 'reconcile')
    await s.send({ type: 'RECONCILE', reconcile: { tasks: [{ task_id: { value: 'ghost' } }] } })
    const u = await s.next('UPDATE')
    expect(u.update?.status).toMatchObject({
      state: 'TASK_LOST',
      reason: 'REASON_RECONCILIATION',
      source: 'SOURCE_MASTER',
    })
    expect(u.update?.status.uuid).toBeUndefined()
    s.close()
  })
})

describe('master: v1 operator API (POST /api/v1)', () => {
  let m: RunningMaster
  beforeAll(async () => {
    m = await startMaster({
      host: '127.0.0.1',
      port: 0,
      logger: log,
      allocationIntervalMs: 50,
      weights: new Map([
        ['kafka', 3],
        ['web', 1],
      ]),
    })
  })
  afterAll(() => m.close())

  const op = (body: unknown, headers: Record<string, string> = { 'Content-Type': JSON_TYPE }) =>
    fetch(`http://${m.address}/api/v1`, {
      method: 'POST',
      headers,
      body: new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body)),
    })

  test('--weights are served by GET_WEIGHTS and GET_ROLES', async () => {
    const res = await op({ type: 'GET_WEIGHTS' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      type: 'GET_WEIGHTS',
      get_weights: {
        weight_infos: [
          { role: 'kafka', weight: 3 },
          { role: 'web', weight: 1 },
        ],
      },
    })
    const roles = (await (await op({ type: 'GET_ROLES' })).json()) as {
      get_roles: { roles: Array<{ name: string; weight: number }> }
    }
    expect(roles.get_roles.roles.map((r) => [r.name, r.weight])).toEqual([
      ['kafka', 3],
      ['web', 1],
    ])
  })

  test('UPDATE_WEIGHTS changes weights (200, empty); GET_ROLES lists framework roles with their frameworks', async () => {
    const res = await op({
      type: 'UPDATE_WEIGHTS',
      update_weights: {
        weight_infos: [
          { role: 'web', weight: 2 },
          { role: 'batch', weight: '0.5' },
        ],
      },
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
    const s = await subscribe(m.address, 'in-role-web')
    const roles = (await (await op({ type: 'GET_ROLES' })).json()) as {
      get_roles: { roles: Array<{ name: string; weight: number; frameworks: Array<{ value: string }> }> }
    }
    expect(roles.get_roles.roles.map((r) => [r.name, r.weight])).toEqual([
      ['*', 1],
      ['batch', 0.5],
      ['kafka', 3],
      ['web', 2],
    ])
    expect(roles.get_roles.roles.find((r) => r.name === '*')!.frameworks).toEqual([{ value: s.frameworkId }])
    s.close()
  })

  test('GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS answer in Mesos shapes', async () => {
    const agent = await fakeAgent(m.address, '127.0.1.8', 'cpus:1;mem:512')
    await new Promise((r) => setTimeout(r, 100))
    const agents = (await (await op({ type: 'GET_AGENTS' })).json()) as {
      get_agents: { agents: Array<{ agent_info: { hostname: string }; active: boolean }> }
    }
    expect(agents.get_agents.agents.find((a) => a.agent_info.hostname === '127.0.1.8')?.active).toBe(true)
    const state = (await (await op({ type: 'GET_STATE' })).json()) as {
      type: string
      get_state: Record<string, unknown>
    }
    expect(state.type).toBe('GET_STATE')
    expect(Object.keys(state.get_state).sort()).toEqual(['get_agents', 'get_executors', 'get_frameworks', 'get_tasks'])
    expect((await op({ type: 'GET_FRAMEWORKS' })).status).toBe(200)
    expect((await op({ type: 'GET_TASKS' })).status).toBe(200)
    agent.close()
  })

  test.each([
    [{ type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'kafka', weight: 0 }] } }, 400, /above 0/],
    [{ type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'a//b', weight: 1 }] } }, 400, /'\/\/'/],
    [{ type: 'UPDATE_WEIGHTS' }, 400, /update_weights/],
    [{ type: 'NO_SUCH_CALL' }, 400, /not supported/],
    [{}, 400, /'type'/],
    ['[1,2]', 400, /object/],
    ['{nope', 400, /JSON/],
  ])('bad call %j answers %i with a reason', async (body, status, reason) => {
    const res = await op(body)
    expect(res.status).toBe(status)
    expect(await res.text()).toMatch(reason)
  })

  test('a refused UPDATE_WEIGHTS changes nothing (all or nothing)', async () => {
    await op({
      type: 'UPDATE_WEIGHTS',
      update_weights: {
        weight_infos: [
          { role: 'kafka', weight: 7 },
          { role: 'web', weight: -1 },
        ],
      },
    })
    const w = (await (await op({ type: 'GET_WEIGHTS' })).json()) as {
      get_weights: { weight_infos: Array<{ role: string; weight: number }> }
    }
    expect(w.get_weights.weight_infos.find((x) => x.role === 'kafka')?.weight).toBe(3)
  })

  test('content types: none 400, other 415, protobuf 415 (JSON only), GET 405', async () => {
    expect((await op({ type: 'GET_ROLES' }, {})).status).toBe(400)
    expect((await op({ type: 'GET_ROLES' }, { 'Content-Type': 'text/plain' })).status).toBe(415)
    expect((await op({ type: 'GET_ROLES' }, { 'Content-Type': PROTOBUF_TYPE })).status).toBe(415)
    expect((await op({ type: 'GET_ROLES' }, { 'Content-Type': JSON_TYPE, Accept: PROTOBUF_TYPE })).status).toBe(406)
    expect((await fetch(`http://${m.address}/api/v1`)).status).toBe(405)
  })
})

describe('master: UPDATE_FRAMEWORK', () => {
  let m: RunningMaster
  beforeAll(async () => {
    m = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 50 })
  })
  afterAll(() => m.close())

  test('changes name and role synchronously (200); principal/user/checkpoint may not change (400)', async () => {
    const s = await subscribe(m.address, 'upd')
    const info = { user: 'root', name: 'upd', id: { value: s.frameworkId } }
    const ok = await s.send({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: { ...info, name: 'renamed', role: 'web' } },
    })
    expect(ok.status).toBe(200)
    expect(m.master.state().frameworks.find((f) => f.id === s.frameworkId)).toMatchObject({
      name: 'renamed',
      role: 'web',
    })
    for (const [change, field] of [
      [{ user: 'other' }, 'user'],
      [{ checkpoint: true }, 'checkpoint'],
      [{ principal: 'p' }, 'principal'],
    ] as const) {
      const res = await s.send({
        type: 'UPDATE_FRAMEWORK',
        update_framework: { framework_info: { ...info, ...change } },
      })
      expect(res.status).toBe(400)
      expect(await res.text()).toContain(`FrameworkInfo.${field}`)
    }
    const wrongId = await s.send({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: { ...info, id: { value: 'other' } } },
    })
    expect(wrongId.status).toBe(400)
    const badRole = await s.send({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: { ...info, role: '../x' } },
    })
    expect(badRole.status).toBe(400)
    const badSuppressed = await s.send({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: info, suppressed_roles: ['nope'] },
    })
    expect(badSuppressed.status).toBe(400)
    expect(m.master.state().frameworks.find((f) => f.id === s.frameworkId)).toMatchObject({
      name: 'renamed',
      role: 'web',
    })
    const suppress = await s.send({
      type: 'UPDATE_FRAMEWORK',
      update_framework: { framework_info: info, suppressed_roles: ['*'] },
    })
    expect(suppress.status).toBe(200)
    expect(m.master.state().frameworks.find((f) => f.id === s.frameworkId)).toMatchObject({
      name: 'upd',
      role: '*',
      suppressed: true,
    })
    s.close()
  })
})

describe('master: agent re-registration', () => {
  let m: RunningMaster
  beforeAll(async () => {
    m = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 50 })
  })
  afterAll(() => m.close())

  /** Opens the agent link (REGISTER), optionally as a known agent id; resolves with the id the master gave. */
  async function link(agentId?: string) {
    const ac = new AbortController()
    const body = encode(
      'kafka_mesos.agent.Call',
      {
        type: 'REGISTER',
        agent_id: agentId ? { value: agentId } : undefined,
        register: { agent_info: { hostname: '127.0.1.30', port: 5051, resources: parseResources('cpus:1;mem:512') } },
      },
      PROTOBUF_TYPE,
    )
    const res = await fetch(`http://${m.address}/internal/agent`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE },
      body: Buffer.from(body),
      signal: ac.signal,
    })
    const reader = readRecords(res.body!)
    const first = decode<{ registered?: { agent_id: { value: string } } }>(
      'kafka_mesos.agent.Event',
      (await reader.next()).value!,
      PROTOBUF_TYPE,
    )
    void (async () => {
      try {
        for await (const _ of reader) void _
      } catch {
        // aborted
      }
    })()
    return {
      id: first.registered!.agent_id.value,
      streamId: res.headers.get(AGENT_STREAM_HEADER) ?? '',
      close: () => ac.abort(),
    }
  }

  test('a task the re-registering agent no longer reports is TASK_LOST for the framework', async () => {
    const a = await link()
    const s = await subscribe(m.address, 'lost-on-reregister')
    const offer = (await s.next('OFFERS')).offers!.offers!.find((o) => o.agent_id.value === a.id)!
    const task = {
      name: 't',
      task_id: { value: 'gone-1' },
      agent_id: { value: a.id },
      command: { value: 'sleep 60' },
      resources: parseResources('cpus:0.1;mem:32'),
    }
    expect(
      (
        await s.send({
          type: 'ACCEPT',
          accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }] },
        })
      ).status,
    ).toBe(202)
    const running = encode(
      'kafka_mesos.agent.Call',
      {
        type: 'STATUS_UPDATE',
        agent_id: { value: a.id },
        status_update: {
          framework_id: { value: s.frameworkId },
          status: { task_id: { value: 'gone-1' }, state: 'TASK_RUNNING', source: 'SOURCE_EXECUTOR' },
        },
      },
      PROTOBUF_TYPE,
    )
    const postStatus = (headers: Record<string, string>) =>
      fetch(`http://${m.address}/internal/agent`, {
        method: 'POST',
        headers: { 'Content-Type': PROTOBUF_TYPE, ...headers },
        body: Buffer.from(running),
      })
    // a plain connection that names the agent cannot forge its status updates: only its own link may
    const forged = await postStatus({})
    expect([forged.status, await forged.text()]).toEqual([
      400,
      `The stream id included in this request does not match the link of agent ${a.id}; calls are accepted only on the agent's own link (register again)`,
    ])
    expect((await postStatus({ [AGENT_STREAM_HEADER]: 'guessed' })).status).toBe(400)
    expect((await postStatus({ [AGENT_STREAM_HEADER]: a.streamId })).status).toBe(202)
    expect((await s.next('UPDATE')).update?.status.state).toBe('TASK_RUNNING')
    a.close()
    await new Promise((r) => setTimeout(r, 100))
    const again = await link(a.id)
    expect(again.id).toBe(a.id)
    const lost = await s.next('UPDATE')
    expect(lost.update?.status).toMatchObject({
      task_id: { value: 'gone-1' },
      state: 'TASK_LOST',
      reason: 'REASON_RECONCILIATION',
      source: 'SOURCE_MASTER',
    })
    expect(m.master.state().tasks.some((t) => t.id === 'gone-1')).toBe(false)
    again.close()
    s.close()
  })
})

describe('master: /metrics (Prometheus)', () => {
  let m: RunningMaster
  beforeAll(async () => {
    m = await startMaster({
      host: '127.0.0.1',
      port: 0,
      logger: log,
      allocationIntervalMs: 50,
      weights: new Map([['kafka', 3]]),
    })
  })
  afterAll(() => m.close())

  test('cluster state, allocation runs and scheduler calls are exposed', async () => {
    const agent = await fakeAgent(m.address, '127.0.1.31', 'cpus:2;mem:1024')
    const s = await subscribe(m.address, 'metrics')
    await s.next('OFFERS')
    await s.send({ type: 'REVIVE', revive: {} })
    await s.send({ type: 'REVIVE', revive: {} }, { 'Mesos-Stream-Id': 'stale' })
    const res = await fetch(`http://${m.address}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
    const text = await res.text()
    expect(text).toMatch(/^kafka_mesos_master_agents\{state="active"\} 1$/m)
    expect(text).toMatch(/^kafka_mesos_master_frameworks\{state="active"\} 1$/m)
    expect(text).toMatch(/^kafka_mesos_master_offers_outstanding [1-9]/m)
    expect(text).toMatch(/^kafka_mesos_master_resources\{resource="cpus",kind="total"\} 2$/m)
    expect(text).toMatch(/^kafka_mesos_master_role_weight\{role="kafka"\} 3$/m)
    expect(text).toMatch(/^kafka_mesos_master_allocation_run_seconds_count [1-9]/m)
    expect(text).toMatch(/^kafka_mesos_master_offers_made_total [1-9]/m)
    expect(text).toMatch(/^kafka_mesos_master_scheduler_calls_total\{type="SUBSCRIBE",code="200"\} 1$/m)
    expect(text).toMatch(/^kafka_mesos_master_scheduler_calls_total\{type="REVIVE",code="202"\} 1$/m)
    expect(text).toMatch(/^kafka_mesos_master_scheduler_calls_total\{type="REVIVE",code="400"\} 1$/m)
    expect(text).toMatch(/^kafka_mesos_master_process_resident_memory_bytes /m)
    s.close()
    agent.close()
  })
})
