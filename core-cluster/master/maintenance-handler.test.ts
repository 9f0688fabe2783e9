/** The master's maintenance tests: schedule, inverse offers, DOWN and UP again, through the operator API. */

import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encode, JSON_TYPE, type Offer, PROTOBUF_TYPE, parseResources } from '../proto/index.js'
import { fakeAgent, framework, until } from './fake-cluster.test-support.js'
import { type RunningMaster, startMaster } from './server.js'

/**
 * Maintenance primitives through the operator API, with fake agents and raw v1 frameworks:
 * schedule → offers carry `unavailability` and frameworks get inverse offers; their answers show in
 * GET_MAINTENANCE_STATUS; START_MAINTENANCE removes the agents (TASK_GONE_BY_OPERATOR / TASK_LOST)
 * and keeps them out; STOP_MAINTENANCE lets them back.
 */

const log = pino({ level: 'silent' })
const H1 = '127.0.3.1'
const H2 = '127.0.3.2'
const window = { start: { nanoseconds: Date.now() * 1e6 + 3600e9 }, duration: { nanoseconds: 1800e9 } }

describe('master: maintenance primitives', () => {
  let m: RunningMaster
  beforeAll(async () => {
    m = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 50 })
  })
  afterAll(() => m.close())

  /** The parts of the operator answers that these tests read. */
  type OperatorBody = {
    get_maintenance_status: { status: { draining_machines: Array<{ statuses: unknown[] }> } }
    get_maintenance_schedule: { schedule: unknown }
  }
  const operator = async (call: object) => {
    const r = await fetch(`http://${m.address}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE },
      body: JSON.stringify(call),
    })
    const text = await r.text()
    return {
      status: r.status,
      body:
        text && r.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : text,
    }
  }

  test('schedule, inverse offers, DOWN and UP again', async () => {
    const a1 = await fakeAgent(m.address, H1)
    const a2 = await fakeAgent(m.address, H2)
    const aware = await framework(m.address, 'aware', true)
    const plain = await framework(m.address, 'plain', false)
    const offerOn =
      (fw: typeof aware, host: string, since = 0) =>
      () =>
        fw.events
          .slice(since)
          .flatMap((e) => (e.type === 'OFFERS' ? e.offers!.offers! : []))
          .find((o: Offer) => o.hostname === host)
    /** the first offer on `host` to either framework after the marks */
    const anyOfferOn = (host: string, marks: [number, number]) => () =>
      offerOn(aware, host, marks[0])() ?? offerOn(plain, host, marks[1])()
    for (const [fw, taskId] of [
      [aware, 'ta'],
      [plain, 'tp'],
    ] as const) {
      const offer = await until(`an offer on ${H1}`, offerOn(fw, H1))
      const task = {
        name: taskId,
        task_id: { value: taskId },
        agent_id: offer.agent_id,
        command: { value: 'sleep 60' },
        resources: parseResources('cpus:0.5;mem:128'),
      }
      expect(
        await fw.send({
          type: 'ACCEPT',
          accept: {
            offer_ids: [offer.id],
            operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }],
            filters: { refuse_seconds: 0 },
          },
        }),
      ).toBe(202)
      await until(`${taskId} RUNNING`, () => fw.updates(taskId).find((s) => s.state === 'TASK_RUNNING'))
    }

    // bad input is a 400 naming the rule
    const notScheduled = await operator({
      type: 'START_MAINTENANCE',
      start_maintenance: { machines: [{ hostname: H1 }] },
    })
    expect(notScheduled).toMatchObject({
      status: 400,
      body: expect.stringContaining(`machine ${H1} is not in the maintenance schedule`),
    })
    expect(
      (
        await operator({
          type: 'UPDATE_MAINTENANCE_SCHEDULE',
          update_maintenance_schedule: { schedule: { windows: [{ machine_ids: [{}], unavailability: window }] } },
        })
      ).status,
    ).toBe(400)

    // schedule H1: both frameworks get an inverse offer for it; new offers on H1 carry the unavailability, H2's do not
    const mark: [number, number] = [aware.events.length, plain.events.length]
    expect(
      (
        await operator({
          type: 'UPDATE_MAINTENANCE_SCHEDULE',
          update_maintenance_schedule: {
            schedule: { windows: [{ machine_ids: [{ hostname: H1 }], unavailability: window }] },
          },
        })
      ).status,
    ).toBe(200)
    const inverse = await until('an inverse offer', () => aware.events.find((e) => e.type === 'INVERSE_OFFERS'))
    expect(inverse.inverse_offers!.inverse_offers).toEqual([
      expect.objectContaining({
        agent_id: { value: a1.state.id },
        framework_id: { value: aware.id },
        unavailability: window,
      }),
    ])
    await until('inverse offer to the plain framework', () => plain.events.find((e) => e.type === 'INVERSE_OFFERS'))
    expect((await until(`an offer on ${H1} with unavailability`, anyOfferOn(H1, mark))).unavailability).toEqual(window)
    expect((await until(`an offer on ${H2}`, anyOfferOn(H2, [0, 0]))).unavailability).toBeUndefined()

    // the framework's answer shows in the status
    expect(
      await aware.send({
        type: 'ACCEPT_INVERSE_OFFERS',
        accept_inverse_offers: { inverse_offer_ids: [inverse.inverse_offers!.inverse_offers![0]!.id] },
      }),
    ).toBe(202)
    const status = await until('the ACCEPT recorded', async () => {
      const s = await operator({ type: 'GET_MAINTENANCE_STATUS' })
      return (s.body as OperatorBody).get_maintenance_status.status.draining_machines[0]?.statuses.length
        ? s.body
        : undefined
    })
    expect((status as OperatorBody).get_maintenance_status.status).toEqual({
      draining_machines: [
        {
          id: { hostname: H1 },
          statuses: [expect.objectContaining({ status: 'ACCEPT', framework_id: { value: aware.id } })],
        },
      ],
      down_machines: [],
    })

    // START_MAINTENANCE: H1's agent is removed, its tasks are gone, and it may not register
    expect(
      (await operator({ type: 'START_MAINTENANCE', start_maintenance: { machines: [{ hostname: H1 }] } })).status,
    ).toBe(200)
    expect(
      await until('ta gone', () => aware.updates('ta').find((s) => s.state === 'TASK_GONE_BY_OPERATOR')),
    ).toMatchObject({ reason: 'REASON_AGENT_REMOVED_BY_OPERATOR', source: 'SOURCE_MASTER' })
    expect(await until('tp lost', () => plain.updates('tp').find((s) => s.state === 'TASK_LOST'))).toMatchObject({
      reason: 'REASON_AGENT_REMOVED_BY_OPERATOR',
    })
    expect(a1.events.filter((e) => e.type === 'SHUTDOWN_FRAMEWORK').length).toBe(2)
    expect(m.master.state().agents.map((a) => a.hostname)).toEqual([H2])
    expect(
      ((await operator({ type: 'GET_MAINTENANCE_STATUS' })).body as OperatorBody).get_maintenance_status.status,
    ).toEqual({
      draining_machines: [],
      down_machines: [{ hostname: H1 }],
    })
    const register = () =>
      fetch(`http://${m.address}/internal/agent`, {
        method: 'POST',
        headers: { 'Content-Type': PROTOBUF_TYPE },
        body: Buffer.from(
          encode(
            'kafka_mesos.agent.Call',
            {
              type: 'REGISTER',
              register: { agent_info: { hostname: H1, port: 5051, resources: parseResources('cpus:2;mem:2048') } },
            },
            PROTOBUF_TYPE,
          ),
        ),
      })
    const refused = await register()
    expect(refused.status).toBe(403)
    expect(await refused.text()).toMatch(/maintenance \(DOWN\)/)
    expect(
      (
        await operator({
          type: 'UPDATE_MAINTENANCE_SCHEDULE',
          update_maintenance_schedule: { schedule: { windows: [] } },
        })
      ).body,
    ).toMatch(/is DOWN and cannot be removed from the schedule/)

    // STOP_MAINTENANCE: H1 is UP, off the schedule, and its agent registers again
    expect(
      (await operator({ type: 'STOP_MAINTENANCE', stop_maintenance: { machines: [{ hostname: H1 }] } })).status,
    ).toBe(200)
    expect(
      ((await operator({ type: 'GET_MAINTENANCE_SCHEDULE' })).body as OperatorBody).get_maintenance_schedule.schedule,
    ).toEqual({ windows: [] })
    a1.close()
    await a1.register()
    const mark2: [number, number] = [aware.events.length, plain.events.length]
    expect((await until(`an offer on ${H1} again`, anyOfferOn(H1, mark2))).unavailability).toBeUndefined()
    for (const x of [a1, a2, aware, plain]) x.close()
  }, 30_000)
})
