/** The master's reservation tests: reservations and volumes rebuilt after a restart, the pre-refinement format, operator RESERVE. */

import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readRecords } from '../http/index.js'
import {
  decode,
  encode,
  JSON_TYPE,
  PROTOBUF_TYPE,
  parseResources,
  type Resource,
  reservationStack,
  scalarSum,
  type scheduler,
} from '../proto/index.js'
import { type RunningMaster, startMaster } from './server.js'

const log = pino({ level: 'silent' })
const dyn = { type: 'DYNAMIC' as const, role: 'kafka', principal: 'kp' }
const volume: Resource = {
  name: 'disk',
  type: 'SCALAR',
  scalar: { value: 100 },
  reservations: [dyn],
  disk: { persistence: { id: 'v1', principal: 'kp' }, volume: { container_path: 'data', mode: 'RW' } },
}

/** A v1 scheduler subscription recording its events. */
async function subscribe(address: string, info: Record<string, unknown>) {
  const ac = new AbortController()
  const res = await fetch(`http://${address}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': JSON_TYPE },
    body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'u', name: 'n', ...info } } }),
    signal: ac.signal,
  })
  const streamId = res.headers.get('mesos-stream-id')!
  const events: scheduler.Event[] = []
  const reader = readRecords(res.body!)
  void (async () => {
    try {
      for await (const r of reader) events.push(decode<scheduler.Event>('mesos.v1.scheduler.Event', r, JSON_TYPE))
    } catch {
      // aborted
    }
  })()
  const next = async (type: string, seen = 0): Promise<scheduler.Event> => {
    const deadline = Date.now() + 5000
    for (;;) {
      const found = events.filter((e) => e.type === type)[seen]
      if (found) return found
      if (Date.now() > deadline) throw new Error(`no ${type} event`)
      await new Promise((r) => setTimeout(r, 20))
    }
  }
  const frameworkId = (await next('SUBSCRIBED')).subscribed!.framework_id.value
  const send = (c: scheduler.Call) =>
    fetch(`http://${address}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, 'Mesos-Stream-Id': streamId },
      body: JSON.stringify({ ...c, framework_id: { value: frameworkId } }),
    })
  return { events, next, send, close: () => ac.abort() }
}

describe('master: reservations and volumes', () => {
  let m: RunningMaster
  let closeAgent: () => void
  beforeAll(async () => {
    m = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 50 })
    // An agent known from before a master restart reports its checkpointed reservation and volume.
    const ac = new AbortController()
    const checkpointed = [{ name: 'cpus', type: 'SCALAR', scalar: { value: 0.5 }, reservations: [dyn] }, volume]
    const body = encode(
      'kafka_mesos.agent.Call',
      {
        type: 'REGISTER',
        agent_id: { value: 'old-master-S1' },
        register: {
          agent_info: { hostname: '127.0.1.40', port: 5051, resources: parseResources('cpus:2;mem:1024;disk:500') },
          checkpointed_resources: checkpointed,
        },
      },
      PROTOBUF_TYPE,
    )
    const res = await fetch(`http://${m.address}/internal/agent`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE },
      body: Buffer.from(body),
      signal: ac.signal,
    })
    void (async () => {
      try {
        for await (const _ of readRecords(res.body!)) void _
      } catch {
        // aborted
      }
    })()
    closeAgent = () => ac.abort()
  })
  afterAll(async () => {
    closeAgent()
    await m.close()
  })

  test("a restarted master rebuilds an agent's reservations and volumes from its REGISTER; RESERVE feedback with an operation id", async () => {
    const s = await subscribe(m.address, {
      role: 'kafka',
      principal: 'kp',
      capabilities: [{ type: 'RESERVATION_REFINEMENT' }],
    })
    const offer = (await s.next('OFFERS')).offers!.offers![0]
    const res = offer.resources ?? []
    expect(res.find((r) => r.disk?.persistence?.id === 'v1')).toEqual(volume)
    expect(
      scalarSum(
        res.filter((r) => reservationStack(r).length > 0),
        'cpus',
      ),
    ).toBe(0.5)
    expect(scalarSum(res, 'cpus')).toBe(2)
    expect(scalarSum(res, 'disk')).toBe(500)

    // an invalid RESERVE (another role) is dropped with OPERATION_ERROR; a valid one finishes
    const bad = {
      type: 'RESERVE' as const,
      id: { value: 'op-bad' },
      reserve: {
        resources: [
          { name: 'mem', type: 'SCALAR' as const, scalar: { value: 64 }, reservations: [{ ...dyn, role: 'web' }] },
        ],
      },
    }
    const good = {
      type: 'RESERVE' as const,
      id: { value: 'op-good' },
      reserve: { resources: [{ name: 'mem', type: 'SCALAR' as const, scalar: { value: 64 }, reservations: [dyn] }] },
    }
    expect(
      (
        await s.send({
          type: 'ACCEPT',
          accept: { offer_ids: [offer.id], operations: [bad, good], filters: { refuse_seconds: 0 } },
        })
      ).status,
    ).toBe(202)
    const first = (await s.next('UPDATE_OPERATION_STATUS')).update_operation_status!.status
    const second = (await s.next('UPDATE_OPERATION_STATUS', 1)).update_operation_status!.status
    expect(first).toMatchObject({
      operation_id: { value: 'op-bad' },
      state: 'OPERATION_ERROR',
      message: expect.stringMatching(/offer's role 'kafka'/),
    })
    expect(second).toMatchObject({ operation_id: { value: 'op-good' }, state: 'OPERATION_FINISHED' })
    const again = (await s.next('OFFERS', 1)).offers!.offers![0]
    expect(
      scalarSum(
        (again.resources ?? []).filter((r) => reservationStack(r).length > 0 && r.name === 'mem'),
        'mem',
      ),
    ).toBe(64)
    s.close()
  })

  test('a framework without RESERVATION_REFINEMENT gets the pre-refinement format; another role sees none of it', async () => {
    const old = await subscribe(m.address, { role: 'kafka', principal: 'kp' })
    const offer = (await old.next('OFFERS')).offers!.offers![0]
    const cpus = (offer.resources ?? []).find((r) => r.name === 'cpus' && r.role === 'kafka')
    expect(cpus).toMatchObject({ role: 'kafka', reservation: { principal: 'kp' } })
    expect(cpus?.reservations).toBeUndefined()
    await old.send({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: 60 } } })
    const web = await subscribe(m.address, { role: 'web' })
    const webOffer = (await web.next('OFFERS')).offers!.offers![0]
    expect((webOffer.resources ?? []).every((r) => reservationStack(r).length === 0)).toBe(true)
    expect(scalarSum(webOffer.resources, 'cpus')).toBe(1.5)
    old.close()
    web.close()
  })

  test('operator RESERVE_RESOURCES / UNRESERVE_RESOURCES on an agent, with 400s that say why', async () => {
    const op = (body: unknown) =>
      fetch(`http://${m.address}/api/v1`, {
        method: 'POST',
        headers: { 'Content-Type': JSON_TYPE },
        body: JSON.stringify(body),
      })
    const ops = { type: 'DYNAMIC', role: 'ops', principal: 'admin' }
    const res = [{ name: 'mem', type: 'SCALAR', scalar: { value: 128 }, reservations: [ops] }]
    expect(
      (
        await op({
          type: 'RESERVE_RESOURCES',
          reserve_resources: { agent_id: { value: 'old-master-S1' }, resources: res },
        })
      ).status,
    ).toBe(200)
    expect(scalarSum(m.master.roles().find((r) => r.name === 'ops')?.reserved ?? [], 'mem')).toBe(128)
    const tooMuch = await op({
      type: 'RESERVE_RESOURCES',
      reserve_resources: {
        agent_id: { value: 'old-master-S1' },
        resources: [{ ...res[0], scalar: { value: 100_000 } }],
      },
    })
    expect(tooMuch.status).toBe(400)
    expect(await tooMuch.text()).toMatch(/does not hold/)
    expect(
      (await op({ type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: { value: 'nope' }, resources: res } }))
        .status,
    ).toBe(400)
    expect(
      (
        await op({
          type: 'UNRESERVE_RESOURCES',
          unreserve_resources: { agent_id: { value: 'old-master-S1' }, resources: res },
        })
      ).status,
    ).toBe(200)
    expect(m.master.roles().find((r) => r.name === 'ops')).toBeUndefined()
  })
})
