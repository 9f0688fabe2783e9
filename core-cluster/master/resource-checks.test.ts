/** The probe's resource forgeries against a real master: a negative LAUNCH, an agent with negative or huge resources, a weight of 1e308. */

import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encode, JSON_TYPE, PROTOBUF_TYPE, scalarSum } from '../proto/index.js'
import { fakeAgent, framework, until } from './fake-cluster.test-support.js'
import { type RunningMaster, startMaster } from './server.js'

const log = pino({ level: 'silent' })

describe('resource checks on a real master', { timeout: 20_000 }, () => {
  let m: RunningMaster
  beforeAll(async () => {
    m = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 50 })
  })
  afterAll(() => m.close())

  test('an ACCEPT whose LAUNCH asks for mem:-5000 is TASK_ERROR, and the next offer is the same 2048 MB, not 7048', async () => {
    const agent = await fakeAgent(m.address, '127.0.1.40')
    const fw = await framework(m.address, 'negative-launch', false)
    try {
      const offers = () => fw.events.flatMap((e) => e.offers?.offers ?? [])
      const first = await until('an offer', () => offers().find((o) => o.agent_id.value === agent.state.id))
      expect(scalarSum(first.resources, 'mem')).toBe(2048)
      const status = await fw.send({
        type: 'ACCEPT',
        accept: {
          offer_ids: [first.id],
          operations: [
            {
              type: 'LAUNCH',
              launch: {
                task_infos: [
                  {
                    name: 'neg',
                    task_id: { value: 'neg-1' },
                    agent_id: { value: agent.state.id! },
                    command: { value: 'true' },
                    resources: [
                      { name: 'cpus', type: 'SCALAR', scalar: { value: 0.1 } },
                      { name: 'mem', type: 'SCALAR', scalar: { value: -5000 } },
                    ],
                  },
                ],
              },
            },
          ],
          filters: { refuse_seconds: 0 },
        },
      })
      expect(status).toBe(202)
      const [update] = await until('TASK_ERROR', () => {
        const u = fw.updates('neg-1')
        return u.length > 0 ? u : undefined
      })
      expect(update.state).toBe('TASK_ERROR')
      expect(update.message).toMatch(/^Invalid scalar resource 'task.resources\[1\]': mem must be a number from 0/)
      const next = await until('the next offer', () =>
        offers().find((o) => o.agent_id.value === agent.state.id && o.id.value !== first.id.value),
      )
      expect(scalarSum(next.resources, 'mem')).toBe(2048)
      expect(agent.tasks.size).toBe(0)
    } finally {
      fw.close()
      agent.close()
    }
  })

  const register = (resources: unknown[]) =>
    fetch(`http://${m.address}/internal/agent`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE },
      body: Buffer.from(
        encode(
          'kafka_mesos.agent.Call',
          { type: 'REGISTER', register: { agent_info: { hostname: '127.0.1.41', port: 5051, resources } } },
          PROTOBUF_TYPE,
        ),
      ),
    })

  test.each([
    ['cpus:-4', [{ name: 'cpus', type: 'SCALAR', scalar: { value: -4 } }], /cpus must be a number from 0/],
    ['mem:1e308', [{ name: 'mem', type: 'SCALAR', scalar: { value: 1e308 } }], /mem must be a number from 0/],
    [
      'ports 2000-1000',
      [{ name: 'ports', type: 'RANGES', ranges: { range: [{ begin: 2000, end: 1000 }] } }],
      /0 ≤ begin ≤ end/,
    ],
  ])('an agent REGISTER with %s is refused 400 and the agent is not admitted', async (_, resources, message) => {
    const before = m.master.state().agents.length
    const res = await register(resources)
    expect(res.status).toBe(400)
    expect(await res.text()).toMatch(message)
    expect(m.master.state().agents.length).toBe(before)
  })

  const operator = (call: unknown) =>
    fetch(`http://${m.address}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE },
      body: JSON.stringify(call),
    }).then(async (r) => ({ status: r.status, text: await r.text() }))

  test('UPDATE_WEIGHTS with weight 1e308 is 400 and changes no weight; 3 is taken', async () => {
    const huge = await operator({
      type: 'UPDATE_WEIGHTS',
      update_weights: { weight_infos: [{ role: 'r', weight: 1e308 }] },
    })
    expect(huge.status).toBe(400)
    expect(huge.text).toMatch(/weight of role 'r' must be a number above 0 and at most 1000000, got 1e\+308/)
    expect(m.master.getWeights()).toEqual([])
    expect(
      (await operator({ type: 'UPDATE_WEIGHTS', update_weights: { weight_infos: [{ role: 'r', weight: 3 }] } })).status,
    ).toBe(200)
    expect(m.master.getWeights()).toEqual([{ role: 'r', weight: 3 }])
  })

  test('UPDATE_QUOTA and RESERVE_RESOURCES with 1e308 or a negative amount are 400', async () => {
    const quota = await operator({
      type: 'UPDATE_QUOTA',
      update_quota: { quota_configs: [{ role: 'q', guarantees: { mem: { value: 1e308 } } }] },
    })
    expect(quota.status).toBe(400)
    const reserve = await operator({
      type: 'RESERVE_RESOURCES',
      reserve_resources: {
        agent_id: { value: 'nobody' },
        resources: [
          { name: 'mem', type: 'SCALAR', scalar: { value: 1e308 }, reservations: [{ type: 'DYNAMIC', role: 'q' }] },
        ],
      },
    })
    expect(reserve.status).toBe(400)
    expect(reserve.text).toMatch(/mem must be a number from 0/)
  })
})
