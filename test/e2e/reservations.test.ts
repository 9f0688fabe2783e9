/** Reservations, persistent volumes, task groups and memory limits on the cluster core, end to end. */
/**
 * Reservations, persistent volumes, task groups and memory limits on the cluster core (no Kafka):
 * one master, one agent with `cpus:2;mem:1024;disk:1000;cpus(kafka):0.5`, a test framework in role
 * `kafka` (principal `kp`, RESERVATION_REFINEMENT) and, for one test, another in role `web`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RunningAgent, startAgent } from '../../core-cluster/agent/index.js'
import { type RunningMaster, startMaster } from '../../core-cluster/master/index.js'
import {
  type Offer,
  type OfferOperation,
  parseResources,
  type Resource,
  reservationStack,
  scalarSum,
} from '../../core-cluster/proto/index.js'
import { until } from '../harness.js'
import { TestFramework } from '../support/framework.js'

const log = pino({ level: 'silent' })
const dyn = { type: 'DYNAMIC' as const, role: 'kafka', principal: 'kp' }
const reservedScalar = (name: string, value: number): Resource => ({
  name,
  type: 'SCALAR',
  scalar: { value },
  reservations: [dyn],
})
const volume: Resource = {
  ...reservedScalar('disk', 200),
  disk: { persistence: { id: 'vol1', principal: 'kp' }, volume: { container_path: 'data', mode: 'RW' } },
}
const small = parseResources('cpus:0.1;mem:32')

describe('reservations, volumes, task groups, memory limits', { timeout: 60_000 }, () => {
  let master: RunningMaster
  let agent: RunningAgent
  let workDir: string
  let kafka: TestFramework

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'km-reservations-'))
    master = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 200 })
    agent = await startAgent({
      master: master.address,
      host: '127.0.0.1',
      port: 0,
      resources: parseResources('cpus:2;mem:1024;disk:1000;cpus(kafka):0.5'),
      attributes: [],
      workDir: join(workDir, 'agent'),
      logger: log,
    })
    await agent.agent.registered
    kafka = new TestFramework(master.address, {
      name: 'reserver',
      role: 'kafka',
      principal: 'kp',
      capabilities: [{ type: 'RESERVATION_REFINEMENT' }],
    }).start()
  })

  afterAll(async () => {
    await kafka?.client.tryCall({ type: 'TEARDOWN' })
    kafka?.stop()
    await agent?.close()
    await master?.close()
    rmSync(workDir, { recursive: true, force: true })
  })

  const accept = (f: TestFramework, offer: Offer, operations: OfferOperation[]) =>
    f.client.call({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations, filters: { refuse_seconds: 0 } } })
  const dynamicOf = (o: Offer) =>
    (o.resources ?? []).filter((r) => reservationStack(r).some((s) => s.type === 'DYNAMIC'))

  /** The next offer that satisfies `pred`; other offers are declined at once. */
  async function offerWith(
    f: TestFramework,
    what: string,
    pred: (o: Offer) => boolean,
    timeoutMs = 10_000,
  ): Promise<Offer> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const o = await f.nextOffer(Math.max(1, deadline - Date.now()))
      if (pred(o)) return o
      if (Date.now() > deadline) throw new Error(`no offer with ${what}`)
      await f.client.tryCall({ type: 'DECLINE', decline: { offer_ids: [o.id], filters: { refuse_seconds: 0 } } })
    }
  }

  test('static and dynamic reservations are offered to their role only', async () => {
    const first = await kafka.nextOffer()
    const staticCpus = (first.resources ?? []).find(
      (r) => r.name === 'cpus' && reservationStack(r)[0]?.type === 'STATIC',
    )
    expect(staticCpus?.reservations).toEqual([{ type: 'STATIC', role: 'kafka' }])
    expect(staticCpus?.scalar?.value).toBe(0.5)

    await accept(kafka, first, [
      {
        type: 'RESERVE',
        id: { value: 'reserve-1' },
        reserve: { resources: [reservedScalar('cpus', 0.5), reservedScalar('mem', 256), reservedScalar('disk', 400)] },
      },
    ])
    const reserved = await offerWith(kafka, 'the dynamic reservation', (o) => dynamicOf(o).length === 3)
    expect(scalarSum(dynamicOf(reserved), 'mem')).toBe(256)
    expect(dynamicOf(reserved)[0].reservations).toEqual([dyn])
    const roles = master.master.roles().find((r) => r.name === 'kafka')!
    expect(scalarSum(roles.reserved, 'cpus')).toBe(1) // 0.5 static + 0.5 dynamic
    expect(scalarSum(roles.reserved, 'mem')).toBe(256)

    // Another role is offered the unreserved rest only: kafka refuses its offer for a while.
    await kafka.client.call({
      type: 'DECLINE',
      decline: { offer_ids: [reserved.id], filters: { refuse_seconds: 3600 } },
    })
    const web = new TestFramework(master.address, { name: 'other', role: 'web' }).start()
    try {
      const offer = await web.nextOffer()
      expect((offer.resources ?? []).every((r) => reservationStack(r).length === 0)).toBe(true)
      expect(scalarSum(offer.resources, 'cpus')).toBe(1.5)
      expect(scalarSum(offer.resources, 'mem')).toBe(768)
      expect(scalarSum(offer.resources, 'disk')).toBe(600)
    } finally {
      await web.client.tryCall({ type: 'TEARDOWN' })
      web.stop()
    }
    await kafka.client.call({ type: 'REVIVE', revive: {} })
  })

  test('a restarted master gets the dynamic reservations back from the agent (its checkpoint)', async () => {
    const port = Number(master.address.split(':').pop())
    await master.close()
    kafka.offers.length = 0 // offers of the old master are void
    master = await startMaster({ host: '127.0.0.1', port, logger: log, allocationIntervalMs: 200 })
    const masterId = master.master.ids.masterId
    const o = await offerWith(
      kafka,
      'an offer of the new master with the reservation',
      (x) => x.id.value.startsWith(masterId) && dynamicOf(x).length === 3,
      30_000,
    )
    expect(scalarSum(dynamicOf(o), 'mem')).toBe(256)
    expect(scalarSum(master.master.roles().find((r) => r.name === 'kafka')!.reserved, 'cpus')).toBe(1)
    await kafka.client.call({ type: 'DECLINE', decline: { offer_ids: [o.id], filters: { refuse_seconds: 0 } } })
  })

  test("a persistent volume keeps a task's data for the next task; DESTROY removes it; UNRESERVE gives the resources back", async () => {
    const volumeDir = join(workDir, 'agent', 'volumes', 'roles', 'kafka', 'vol1')
    const o1 = await offerWith(kafka, 'reserved disk', (o) => scalarSum(dynamicOf(o), 'disk') === 400)
    await accept(kafka, o1, [
      { type: 'CREATE', create: { volumes: [volume] } },
      {
        type: 'LAUNCH',
        launch: {
          task_infos: [
            {
              name: 'writer',
              task_id: { value: 'writer' },
              agent_id: o1.agent_id,
              resources: [...small, volume],
              command: { value: 'echo kept > data/file.txt' },
            },
          ],
        },
      },
    ])
    expect((await kafka.waitState('writer', ['TASK_FINISHED', 'TASK_FAILED', 'TASK_ERROR'])).state).toBe(
      'TASK_FINISHED',
    )
    expect(existsSync(join(volumeDir, 'file.txt'))).toBe(true)

    const o2 = await offerWith(kafka, 'the volume', (o) =>
      (o.resources ?? []).some((r) => r.disk?.persistence?.id === 'vol1'),
    )
    await accept(kafka, o2, [
      {
        type: 'LAUNCH',
        launch: {
          task_infos: [
            {
              name: 'reader',
              task_id: { value: 'reader' },
              agent_id: o2.agent_id,
              resources: [...small, volume],
              command: { value: 'test "$(cat data/file.txt)" = kept' },
            },
          ],
        },
      },
    ])
    const read = await kafka.waitState('reader', ['TASK_FINISHED', 'TASK_FAILED', 'TASK_ERROR'])
    expect(read.state, read.message).toBe('TASK_FINISHED')

    const o3 = await offerWith(kafka, 'the volume', (o) =>
      (o.resources ?? []).some((r) => r.disk?.persistence?.id === 'vol1'),
    )
    await accept(kafka, o3, [{ type: 'DESTROY', destroy: { volumes: [volume] } }])
    await kafka.waitFor('the volume directory to be removed', () => !existsSync(volumeDir))
    const o4 = await offerWith(
      kafka,
      'the reserved disk without the volume',
      (o) => scalarSum(dynamicOf(o), 'disk') === 400 && !(o.resources ?? []).some((r) => r.disk?.persistence),
    )
    await accept(kafka, o4, [{ type: 'UNRESERVE', unreserve: { resources: dynamicOf(o4) } }])
    const o5 = await offerWith(
      kafka,
      'no dynamic reservation',
      (o) => dynamicOf(o).length === 0 && scalarSum(o.resources, 'mem') === 1024,
    )
    expect(scalarSum(o5.resources, 'cpus')).toBe(2.5)
    expect(scalarSum(master.master.roles().find((r) => r.name === 'kafka')!.reserved, 'cpus')).toBe(0.5)
    await kafka.client.call({ type: 'DECLINE', decline: { offer_ids: [o5.id], filters: { refuse_seconds: 0 } } })
  })

  test('LAUNCH_GROUP: two tasks under one default executor, updates for each; usage in /monitor/statistics', async () => {
    const offer = await offerWith(kafka, 'room for a group', (o) => scalarSum(o.resources, 'cpus') >= 0.3)
    await accept(kafka, offer, [
      {
        type: 'LAUNCH_GROUP',
        launch_group: {
          executor: { executor_id: { value: 'group-1' }, type: 'DEFAULT', resources: small },
          task_group: {
            tasks: ['g1', 'g2'].map((id) => ({
              name: id,
              task_id: { value: id },
              agent_id: offer.agent_id,
              resources: small,
              command: { value: `sleep 2; echo ${id} > out` },
            })),
          },
        },
      },
    ])
    await kafka.waitState('g1', 'TASK_RUNNING')
    await kafka.waitState('g2', 'TASK_RUNNING')
    type Stats = {
      executor_id: string
      statistics: { processes: number; mem_rss_bytes: number; mem_limit_bytes: number; cpus_user_time_secs: number }
    }
    const stats = await until('statistics of the group executor with its 2 tasks', 5_000, async () => {
      const list = (await (await fetch(`http://${agent.address}/monitor/statistics`)).json()) as Stats[]
      return list.find((x) => x.executor_id === 'group-1' && x.statistics.processes >= 3)
    })
    console.log(`group executor usage: ${JSON.stringify(stats.statistics)}`)
    expect(stats.statistics.mem_rss_bytes).toBeGreaterThan(0)
    expect(stats.statistics.mem_limit_bytes).toBe(96 * 1024 * 1024) // executor 32 + 2 tasks × 32 MB
    const containers = (await (
      await fetch(`http://${agent.address}/api/v1`, {
        method: 'POST',
        body: JSON.stringify({ type: 'GET_CONTAINERS' }),
      })
    ).json()) as { get_containers: { containers: Array<{ executor_id: { value: string } }> } }
    expect(containers.get_containers.containers.map((c) => c.executor_id.value)).toContain('group-1')
    expect((await kafka.waitState('g1', ['TASK_FINISHED', 'TASK_FAILED'])).state).toBe('TASK_FINISHED')
    expect((await kafka.waitState('g2', ['TASK_FINISHED', 'TASK_FAILED'])).state).toBe('TASK_FINISHED')
    const running = kafka.updates.filter((u) => u.state === 'TASK_RUNNING').map((u) => u.task_id.value)
    expect(running).toEqual(expect.arrayContaining(['g1', 'g2']))
  })

  test('a task over its memory limit is killed with REASON_CONTAINER_LIMITATION_MEMORY', async () => {
    const offer = await offerWith(kafka, 'room for a task', (o) => scalarSum(o.resources, 'mem') >= 64)
    const hog = `${JSON.stringify(process.execPath)} -e "const a=[];setInterval(()=>a.push(Buffer.alloc(16<<20,1)),100)"`
    await accept(kafka, offer, [
      {
        type: 'LAUNCH',
        launch: {
          task_infos: [
            {
              name: 'hog',
              task_id: { value: 'hog' },
              agent_id: offer.agent_id,
              resources: parseResources('cpus:0.1;mem:64'),
              command: { value: hog },
            },
          ],
        },
      },
    ])
    const status = await kafka.waitState('hog', ['TASK_FINISHED', 'TASK_FAILED', 'TASK_KILLED', 'TASK_ERROR'], 20_000)
    console.log(`memory hog: ${status.state} ${status.reason}: ${status.message}`)
    expect(status.state).toBe('TASK_FAILED')
    expect(status.reason).toBe('REASON_CONTAINER_LIMITATION_MEMORY')
    expect(status.message).toMatch(/Memory limit exceeded: Requested: 64MB/)
  })

  test('UPDATE_QUOTA: a limit on the role chops its offers (its reservation counts); removing it gives everything back', async () => {
    const operator = async (body: unknown) => {
      const res = await fetch(`http://${master.address}/api/v1`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      })
      return { status: res.status, text: await res.text() }
    }
    expect(
      await operator({
        type: 'UPDATE_QUOTA',
        update_quota: {
          quota_configs: [{ role: 'kafka', guarantees: { cpus: { value: 2 } }, limits: { cpus: { value: 1 } } }],
        },
      }),
    ).toMatchObject({ status: 400, text: expect.stringMatching(/exceeds its limit/) })
    // outstanding offers of the role are rescinded when its quota changes
    expect(
      (
        await operator({
          type: 'UPDATE_QUOTA',
          update_quota: { quota_configs: [{ role: 'kafka', limits: { cpus: { value: 1 } } }] },
        })
      ).status,
    ).toBe(200)
    // offers made before the update may still be on their way (then rescinded): wait for the agent's new one
    const limited = await offerWith(kafka, 'the agent within the limit', (o) => scalarSum(o.resources, 'mem') === 1024)
    expect(scalarSum(limited.resources, 'cpus')).toBe(1) // 0.5 reserved + 0.5 unreserved
    expect(
      scalarSum(
        (limited.resources ?? []).filter((r) => reservationStack(r).length === 0),
        'cpus',
      ),
    ).toBe(0.5)
    const quota = JSON.parse((await operator({ type: 'GET_QUOTA' })).text) as {
      get_quota: { status: { configs: unknown[] } }
    }
    expect(quota.get_quota.status.configs).toEqual([{ role: 'kafka', guarantees: {}, limits: { cpus: { value: 1 } } }])
    await kafka.client.call({ type: 'DECLINE', decline: { offer_ids: [limited.id], filters: { refuse_seconds: 0 } } })
    expect(
      (await operator({ type: 'UPDATE_QUOTA', update_quota: { quota_configs: [{ role: 'kafka' }] } })).status,
    ).toBe(200)
    await offerWith(kafka, 'the whole agent again', (o) => scalarSum(o.resources, 'cpus') === 2.5)
  })
})
