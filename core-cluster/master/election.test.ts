/** Leader election and the masters' registry on a real etcd: who leads, and what survives a failover. */
/**
 * Leader election on a real etcd (Debian etcd-server): every master's view of the leader is the
 * master that actually won, also when all candidates appear at once, and after the leader resigns.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Etcd3 } from 'etcd3'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type EtcdProcess, startEtcd } from '../etcd/index.js'
import { MasterElection, MasterRegistry } from './election.js'
import { fakeAgent } from './fake-cluster.test-support.js'
import { type RunningMaster, startMaster } from './server.js'

const log = pino({ level: 'silent' })
let dir: string
let etcd: EtcdProcess

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'km-election-'))
  etcd = await startEtcd(join(dir, 'data'), join(dir, 'etcd.log'))
}, 30_000)

afterAll(async () => {
  await etcd?.stop()
  rmSync(dir, { recursive: true, force: true })
})

/** Waits until exactly one of `masters` is elected and every one of them names it as the leader. */
async function agreedLeader(masters: MasterElection[]): Promise<MasterElection> {
  return waitFor('one elected master that all others name', 10_000, async () => {
    const elected = masters.filter((m) => m.isLeader)
    if (elected.length !== 1) return undefined
    const address = elected[0]!.leader
    return masters.every((m) => m.leader === address) ? elected[0] : undefined
  })
}

describe('MasterElection on etcd', () => {
  test('candidates that start together agree on the one that won; a resignation moves everyone to the next', async () => {
    for (let round = 0; round < 5; round++) {
      const masters = [1, 2, 3].map((i) => new MasterElection(etcd.url, `127.0.0.${i}:${5050 + round}`, log))
      const lost: string[] = []
      await Promise.all(
        masters.map((m) =>
          m.start(
            () => undefined,
            (why) => lost.push(why),
          ),
        ),
      )
      const first = await agreedLeader(masters)
      await first.stop()
      const rest = masters.filter((m) => m !== first)
      const second = await agreedLeader(rest)
      expect(second.leader).not.toBe(first.leader)
      await Promise.all(rest.map((m) => m.stop()))
      expect(lost).toEqual([])
    }
  }, 90_000)

  test('role weights and the maintenance schedule survive a master failover (kept in the etcd registry)', async () => {
    const masters: RunningMaster[] = []
    for (let i = 0; i < 2; i++)
      masters.push(
        await startMaster({
          host: '127.0.0.1',
          port: 0,
          logger: log,
          etcd: etcd.url,
          onLostLeadership: () => undefined,
        }),
      )
    /** POSTs an operator call to `m` itself (no redirects); undefined when it does not answer 200. */
    const call = async (m: RunningMaster, body: unknown): Promise<unknown> => {
      const r = await fetch(`http://${m.address}/api/v1`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        redirect: 'manual',
      }).catch(() => undefined)
      if (r?.status !== 200) return undefined
      return r.headers.get('content-type')?.includes('json') ? r.json() : {}
    }
    const getWeights = { type: 'GET_WEIGHTS' }
    try {
      const first = await waitFor('a leading master that has recovered', 15_000, async () => {
        for (const m of masters) if (await call(m, getWeights)) return m
        return undefined
      })
      expect(
        await call(first, {
          type: 'UPDATE_WEIGHTS',
          update_weights: {
            weight_infos: [
              { role: 'kafka', weight: 3 },
              { role: 'web', weight: 0.5 },
            ],
          },
        }),
      ).toBeDefined()
      const unavailability = { start: { nanoseconds: 1_900_000_000_000_000_000 }, duration: { nanoseconds: 3600e9 } }
      const windows = [{ machine_ids: [{ hostname: 'h1' }, { hostname: 'h2' }], unavailability }]
      expect(
        await call(first, {
          type: 'UPDATE_MAINTENANCE_SCHEDULE',
          update_maintenance_schedule: { schedule: { windows } },
        }),
      ).toBeDefined()
      expect(
        await call(first, { type: 'START_MAINTENANCE', start_maintenance: { machines: [{ hostname: 'h2' }] } }),
      ).toBeDefined()
      // the registry writes are asynchronous: wait until etcd holds them before the failover
      const client = new Etcd3({ hosts: etcd.url })
      const registry = new MasterRegistry(client, log)
      await waitFor('the registry holds the maintenance record', 5000, async () =>
        (await registry.maintenance())?.down.length ? true : undefined,
      )
      client.close()
      await first.close()
      const second = masters.find((m) => m !== first)!
      const answer = (await waitFor('the second master leads', 15_000, () => call(second, getWeights))) as {
        get_weights: { weight_infos: unknown[] }
      }
      expect(answer.get_weights.weight_infos).toEqual([
        { role: 'kafka', weight: 3 },
        { role: 'web', weight: 0.5 },
      ])
      const status = (await call(second, { type: 'GET_MAINTENANCE_STATUS' })) as {
        get_maintenance_status: { status: unknown }
      }
      expect(status.get_maintenance_status.status).toEqual({
        draining_machines: [{ id: { hostname: 'h1' }, statuses: [] }],
        down_machines: [{ hostname: 'h2' }],
      })
    } finally {
      await Promise.all(masters.map((m) => m.close().catch(() => undefined)))
    }
  }, 60_000)

  test('the registry keeps admitted and unreachable agents apart (src/master/registry.proto): marked unreachable, admitted again', async () => {
    const client = new Etcd3({ hosts: etcd.url })
    const registry = new MasterRegistry(client, log)
    const ids = (list: Array<{ id: string }>) =>
      list
        .map((a) => a.id)
        .filter((id) => id.startsWith('reg-'))
        .sort()
    try {
      registry.admit('reg-S1', 'h1')
      registry.admit('reg-S2', 'h2')
      await waitFor('both admitted', 5000, async () => (ids(await registry.agents()).length === 2 ? true : undefined))
      registry.markUnreachable('reg-S2', 'h2', 1234)
      const gone = await waitFor('S2 unreachable', 5000, async () => {
        const [agents, unreachable] = await Promise.all([registry.agents(), registry.unreachable()])
        return ids(agents).join() === 'reg-S1' && ids(unreachable).join() === 'reg-S2' ? unreachable : undefined
      })
      expect(gone.find((u) => u.id === 'reg-S2')).toEqual({ id: 'reg-S2', hostname: 'h2', time: 1234 })
      registry.admit('reg-S2', 'h2')
      await waitFor('S2 admitted again', 5000, async () => {
        const [agents, unreachable] = await Promise.all([registry.agents(), registry.unreachable()])
        return ids(agents).join() === 'reg-S1,reg-S2' && ids(unreachable).length === 0 ? true : undefined
      })
    } finally {
      await client.namespace('kafka-mesos/').delete().prefix('registry/agents/reg-')
      await client.namespace('kafka-mesos/').delete().prefix('registry/unreachable/reg-')
      client.close()
    }
  }, 30_000)
})

describe('the registry keeps reservations', () => {
  test('an agent that lost its checkpoint gets its reservations back from the registry after a master failover', async () => {
    const masters: RunningMaster[] = []
    for (let i = 0; i < 2; i++)
      masters.push(
        await startMaster({
          host: '127.0.0.1',
          port: 0,
          logger: log,
          etcd: etcd.url,
          onLostLeadership: () => undefined,
        }),
      )
    const ops = async (m: RunningMaster, body: unknown) =>
      (
        await fetch(`http://${m.address}/api/v1`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
          redirect: 'manual',
        }).catch(() => undefined)
      )?.status
    try {
      const first = await waitFor('a leading master', 15_000, async () => {
        for (const m of masters)
          if ((await ops(m, { type: 'GET_HEALTH' })) === 200 && (await ops(m, { type: 'GET_WEIGHTS' })) === 200)
            return m
        return undefined
      })
      const agent = await fakeAgent(first.address, '127.0.4.1')
      const reservation = [
        {
          name: 'mem',
          type: 'SCALAR',
          scalar: { value: 512 },
          reservations: [{ type: 'DYNAMIC', role: 'kafka', principal: 'ops' }],
        },
      ]
      expect(
        await ops(first, {
          type: 'RESERVE_RESOURCES',
          reserve_resources: { agent_id: { value: agent.state.id }, resources: reservation },
        }),
      ).toBe(200)
      const client = new Etcd3({ hosts: etcd.url })
      const registry = new MasterRegistry(client, log)
      await waitFor('the registry holds the reservation', 5000, async () =>
        (await registry.agents()).find((a) => a.id === agent.state.id)?.resources.length ? true : undefined,
      )
      client.close()

      await first.close()
      agent.close()
      const second = masters.find((m) => m !== first)!
      await waitFor('the second master leads', 15_000, async () =>
        (await ops(second, { type: 'GET_WEIGHTS' })) === 200 ? true : undefined,
      )
      // the agent comes back without a checkpoint (the fake agent reports no checkpointed resources)
      agent.state.address = second.address
      agent.events.length = 0
      await agent.register()
      const checkpoint = await waitFor('CHECKPOINT_RESOURCES to the agent', 5000, async () =>
        agent.events.find((e) => e.type === 'CHECKPOINT_RESOURCES'),
      )
      expect(checkpoint.checkpoint_resources!.resources).toEqual([
        expect.objectContaining({ name: 'mem', scalar: { value: 512 } }),
      ])
      const kafka = second.master.roles().find((r) => r.name === 'kafka')
      expect(kafka?.reserved.find((r) => r.name === 'mem')?.scalar?.value).toBe(512)
      agent.close()
    } finally {
      await Promise.all(masters.map((m) => m.close().catch(() => undefined)))
    }
  }, 60_000)
})

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
