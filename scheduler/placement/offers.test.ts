/** Offer handling with constraints and maintenance: which node an offer launches, what broker list says while one waits, and inverse offers. */

import { fc, test } from '@fast-check/vitest'
/**
 * The scheduler's offer handling and REST API with constraints (mesos/kafka's `Constraint` and `OfferManager.scala`), on a
 * KafkaScheduler whose master client is a recording fake (unit test: no processes).
 */
import pino from 'pino'
import { describe, expect } from 'vitest'
import {
  containsResources,
  type scheduler as mesos,
  type Offer,
  parseAttributes,
  parseResources,
  type Resource,
  subtractResources,
} from '../../core-cluster/proto/index.js'
import { createApi } from '../api/index.js'
import { isFit, matchOffer, newNode } from '../brokers/index.js'
import { offlineScheduler } from '../framework/scheduler.test-support.js'

function offer(i: number): Offer {
  return {
    id: { value: `o${i}-${Math.random()}` },
    framework_id: { value: 'f' },
    agent_id: { value: `a${i}` },
    hostname: `127.0.1.${i}`,
    resources: parseResources('cpus:2;mem:4096;ports:[31000-31999]'),
    attributes: parseAttributes(`rack:r${i}`),
  }
}

const scheduler = () => offlineScheduler()

const post = (app: ReturnType<typeof createApi>, path: string, body: Record<string, string>) =>
  app.request(`/api/broker/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  })

describe('constraints in the scheduler and its API', () => {
  test('bad constraints are HTTP 400 naming the field; good ones are stored normalized', async () => {
    const { s } = scheduler()
    const app = createApi(s, pino({ level: 'silent' }))
    for (const bad of ['rack=uniq', 'rack=like:[', 'rack', 'rack=groupBy:0']) {
      const res = await post(app, 'add', { broker: '0', constraints: bad })
      expect(res.status).toBe(400)
      const body = (await res.json()) as { error: string; code: string }
      expect(body.error).toMatch(/^constraints: /)
      expect(body.code).toBe('KM_ERR_INVALID_PARAM')
    }
    const ok = await post(app, 'add', { broker: '0', constraints: 'rack=unique,hostname=like:127\\.0\\.1\\..*' })
    expect(ok.status).toBe(200)
    expect(s.state.brokers[0].constraints).toBe('rack=unique,hostname=like:127\\.0\\.1\\..*')
    await post(app, 'update', { broker: '0', constraints: '' })
    expect(s.state.brokers[0].constraints).toBeUndefined()
  })

  test('rack=unique spreads 3 brokers over 3 racks; the 4th waits and broker list says why', async () => {
    const { s, calls } = scheduler()
    for (let id = 0; id < 4; id++) {
      const b = newNode(id)
      Object.assign(b, { active: true, cpus: 0.5, mem: 768, heap: 256, constraints: 'rack=unique' })
      s.state.brokers.push(b)
    }
    // every agent offers twice: the second round finds each rack taken
    const decisions = []
    for (let round = 0; round < 2; round++) for (const i of [1, 2, 3]) decisions.push(await s.handleOffer(offer(i)))
    expect(
      decisions.filter((d) => d.launched),
      JSON.stringify(decisions),
    ).toHaveLength(3)
    const racks = s.state.brokers.filter((b) => b.task).map((b) => b.task!.attributes.rack)
    expect(racks.sort()).toEqual(['r1', 'r2', 'r3'])
    expect(s.state.brokers[3].task).toBeUndefined()
    expect(calls.filter((c) => c.type === 'ACCEPT')).toHaveLength(3)
    const declines = calls.filter((c) => c.type === 'DECLINE') as unknown as Array<{
      decline: { filters: { refuse_seconds: number } }
    }>
    expect(declines).toHaveLength(3)
    for (const d of declines) expect(d.decline.filters.refuse_seconds).toBeGreaterThanOrEqual(3000) // never match: about an hour

    const app = createApi(s, pino({ level: 'silent' }))
    const list = (await (await app.request('/api/broker/list?broker=3')).json()) as {
      brokers: Array<{ waiting?: { reason: string; hostname: string } }>
    }
    expect(list.brokers[0].waiting?.reason).toMatch(/^rack=unique: rack r3 does not match \(others: r\d,r\d,r\d\)$/)
    expect(list.brokers[0].waiting?.hostname).toBe('127.0.1.3')
    const running = (await (await app.request('/api/broker/list?broker=0')).json()) as {
      brokers: Array<{ waiting?: unknown }>
    }
    expect(running.brokers[0].waiting).toBeUndefined()
  })
})

describe('maintenance in the scheduler', () => {
  test('a draining host gets no new broker (broker list says why); the others do', async () => {
    const { s } = scheduler()
    const b = newNode(0)
    Object.assign(b, { active: true, cpus: 0.5, mem: 768, heap: 256 })
    s.state.brokers.push(b)
    const draining = { ...offer(2), unavailability: { start: { nanoseconds: Date.UTC(2030, 0, 1) * 1e6 } } }
    const refused = await s.handleOffer(draining)
    expect(refused.launched).toBeUndefined()
    expect(refused.declined!.reasons).toEqual([
      'broker 0: host 127.0.1.2 is scheduled for maintenance from 2030-01-01T00:00:00.000Z',
    ])
    const app = createApi(s, pino({ level: 'silent' }))
    const list = (await (await app.request('/api/broker/list?broker=0')).json()) as {
      brokers: Array<{ waiting?: { reason: string } }>
    }
    expect(list.brokers[0].waiting?.reason).toMatch(/scheduled for maintenance/)
    expect((await s.handleOffer(offer(3))).launched?.[0].nodeId).toBe(0)
  })

  test('inverse offers: declined where Kafka nodes run, accepted elsewhere', async () => {
    const { s, calls } = scheduler()
    const unavailability = { start: { nanoseconds: Date.UTC(2030, 0, 1) * 1e6 } }
    const onInverseOffers = (s as unknown as { onInverseOffers(o: unknown[]): Promise<void> }).onInverseOffers.bind(s)
    await onInverseOffers([
      { id: { value: 'io-1' }, framework_id: { value: 'f' }, agent_id: { value: 'a1' }, unavailability },
      { id: { value: 'io-2' }, framework_id: { value: 'f' }, agent_id: { value: 'a9' }, unavailability },
    ])
    expect(calls.map((c) => c.type)).toEqual(['DECLINE_INVERSE_OFFERS', 'ACCEPT_INVERSE_OFFERS'])
    expect(calls[0]).toMatchObject({ decline_inverse_offers: { inverse_offer_ids: [{ value: 'io-1' }] } })
    expect(calls[1]).toMatchObject({ accept_inverse_offers: { inverse_offer_ids: [{ value: 'io-2' }] } })
  })
})

/** Every resource the ACCEPTs launched (tasks and their executors). */
function launchedResources(calls: Array<{ type: string; [k: string]: unknown }>): Resource[] {
  const out: Resource[] = []
  for (const c of calls.filter((c) => c.type === 'ACCEPT') as unknown as Array<{ accept: mesos.Call['accept'] }>)
    for (const op of c.accept?.operations ?? [])
      for (const t of op.launch?.task_infos ?? []) out.push(...(t.resources ?? []), ...(t.executor?.resources ?? []))
  return out
}

describe('launch all that fits in one ACCEPT (issue 19)', () => {
  test('one offer of 2 cpus launches 4 brokers of 0.5 cpus in one ACCEPT; the next agent takes the other 3', async () => {
    const { s, calls } = scheduler()
    for (let id = 0; id < 7; id++) {
      const b = newNode(id)
      Object.assign(b, { active: true, cpus: 0.5, mem: 768, heap: 256 })
      s.state.brokers.push(b)
    }
    const first = await s.handleOffer(offer(1))
    expect(first.launched?.map((l) => l.nodeId)).toEqual([0, 1, 2, 3])
    expect(new Set(first.launched?.map((l) => l.port)).size).toBe(4)
    const accepts = calls.filter((c) => c.type === 'ACCEPT') as unknown as Array<{ accept: mesos.Call['accept'] }>
    expect(accepts).toHaveLength(1)
    expect(accepts[0].accept!.operations).toHaveLength(1)
    expect(accepts[0].accept!.operations![0].launch!.task_infos).toHaveLength(4)
    expect(containsResources(offer(1).resources ?? [], launchedResources(calls))).toBe(true)
    const second = await s.handleOffer(offer(2))
    expect(second.launched?.map((l) => l.nodeId)).toEqual([4, 5, 6])
    expect(calls.filter((c) => c.type === 'ACCEPT')).toHaveLength(2)
    expect(calls.filter((c) => c.type === 'DECLINE')).toHaveLength(0)
  })

  test('constraints still hold between the nodes of one offer: hostname=unique launches one per host', async () => {
    const { s } = scheduler()
    for (let id = 0; id < 3; id++) {
      const b = newNode(id)
      Object.assign(b, { active: true, cpus: 0.1, mem: 256, heap: 128, constraints: 'hostname=unique' })
      s.state.brokers.push(b)
    }
    expect((await s.handleOffer(offer(1))).launched?.map((l) => l.nodeId)).toEqual([0])
    expect((await s.handleOffer(offer(2))).launched?.map((l) => l.nodeId)).toEqual([1])
  })

  test('one OFFERS batch of 3 agents spreads 3 brokers one per agent, and launches all 7 of 7 as 3, 2 and 2', async () => {
    for (const [count, perAgent] of [
      [3, [1, 1, 1]],
      [7, [3, 2, 2]],
    ] as const) {
      const { s, calls } = scheduler()
      for (let id = 0; id < count; id++) {
        const b = newNode(id)
        Object.assign(b, { active: true, cpus: 0.5, mem: 768, heap: 256 })
        s.state.brokers.push(b)
      }
      const decisions = await s.handleOffers([offer(1), offer(2), offer(3)])
      expect(decisions.map((d) => d.launched?.length ?? 0)).toEqual(perAgent)
      expect(calls.filter((c) => c.type === 'ACCEPT')).toHaveLength(3)
      expect(s.state.brokers.every((b) => b.task)).toBe(true)
    }
  })

  test('an offer of a batch where nothing fits is declined with its reason; the others launch', async () => {
    const { s, calls } = scheduler()
    const b = newNode(0)
    Object.assign(b, { active: true, cpus: 0.5, mem: 768, heap: 256, constraints: 'rack=like:r2' })
    s.state.brokers.push(b)
    const [first, second] = await s.handleOffers([offer(1), offer(2)])
    expect(first.declined?.reasons.join(' ')).toMatch(/rack/)
    expect(second.launched?.map((l) => l.nodeId)).toEqual([0])
    expect(calls.map((c) => c.type).sort()).toEqual(['ACCEPT', 'DECLINE'])
  })

  test.prop([
    fc.array(fc.record({ cpus: fc.integer({ min: 1, max: 12 }), mem: fc.integer({ min: 300, max: 2000 }) }), {
      minLength: 1,
      maxLength: 12,
    }),
    fc.integer({ min: 1, max: 8 }),
    fc.integer({ min: 1, max: 8 }),
  ])(
    'what one offer launches fits in it, ports differ, and no node left waiting fits what remains',
    async (sizes, cpus, ports) => {
      const { s, calls } = scheduler()
      sizes.forEach((z, id) => {
        const b = newNode(id)
        Object.assign(b, { active: true, cpus: z.cpus / 4, mem: z.mem, heap: 128 })
        s.state.brokers.push(b)
      })
      const o: Offer = {
        ...offer(1),
        resources: parseResources(`cpus:${cpus};mem:8192;ports:[31000-${31000 + ports - 1}]`),
      }
      const d = await s.handleOffer(o)
      const used = launchedResources(calls)
      expect(containsResources(o.resources ?? [], used)).toBe(true)
      expect(new Set(d.launched?.map((l) => l.port) ?? []).size).toBe(d.launched?.length ?? 0)
      const left = subtractResources(o.resources ?? [], used)
      for (const b of s.state.brokers.filter((b) => !b.task))
        expect(isFit(matchOffer({ ...o, resources: left }, b, Date.now(), []))).toBe(false)
    },
  )
})
