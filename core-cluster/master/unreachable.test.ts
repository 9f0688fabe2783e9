/** The master's unreachable-agent tests: the health check, coming back, failover recovery, the operator event stream. */

import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readRecords } from '../http/index.js'
import { JSON_TYPE, parseResources } from '../proto/index.js'
import { fakeAgent, framework, until } from './fake-cluster.test-support.js'
import { type RunningMaster, startMaster } from './server.js'

/**
 * Agents marked unreachable by the master's health check and coming back (`docs/high-availability-framework-guide.md`, "Dealing with Partitioned or Failed Agents"), with
 * fake agents on the agent link that answer PINGs only while "connected", and raw v1 frameworks.
 */

const log = pino({ level: 'silent' })
const PING_MS = 150
const MAX_PINGS = 3

describe('master: unreachable agents (Mesos markUnreachable)', () => {
  let m: RunningMaster
  beforeAll(async () => {
    m = await startMaster({
      host: '127.0.0.1',
      port: 0,
      logger: log,
      allocationIntervalMs: 50,
      agentPingTimeoutMs: PING_MS,
      maxAgentPingTimeouts: MAX_PINGS,
    })
  })
  afterAll(() => m.close())

  test('a silent agent is unreachable after max × ping timeout; it comes back as Mesos says', async () => {
    const agent = await fakeAgent(m.address, '127.0.2.1')
    const aware = await framework(m.address, 'aware', true)
    const plain = await framework(m.address, 'plain', false)
    // each framework launches one task on the agent
    for (const [fw, taskId] of [
      [aware, 'ta'],
      [plain, 'tp'],
    ] as const) {
      const offer = await until(`an offer for ${taskId}`, () =>
        fw.events.find((e) => e.type === 'OFFERS')?.offers?.offers?.find((o) => o.hostname === '127.0.2.1'),
      )
      fw.events.splice(
        fw.events.findIndex((e) => e.type === 'OFFERS'),
        1,
      )
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
    // pings are answered: the agent stays, well past max × timeout
    await new Promise((r) => setTimeout(r, PING_MS * MAX_PINGS * 2))
    expect(agent.events.filter((e) => e.type === 'PING').length).toBeGreaterThanOrEqual(MAX_PINGS)
    expect((m.master.state().unreachable_agents as unknown[]).length).toBe(0)

    // partition: the agent no longer answers
    const cut = Date.now()
    agent.state.connected = false
    const lost = await until(
      'TASK_UNREACHABLE',
      () => aware.updates('ta').find((s) => s.state === 'TASK_UNREACHABLE'),
      PING_MS * (MAX_PINGS + 4),
    )
    expect(Date.now() - cut).toBeGreaterThanOrEqual(PING_MS * (MAX_PINGS - 1))
    expect(lost).toMatchObject({
      reason: 'REASON_AGENT_REMOVED',
      source: 'SOURCE_MASTER',
      agent_id: { value: agent.state.id },
    })
    expect(lost.unreachable_time?.nanoseconds).toBeGreaterThan(0)
    expect(lost.uuid).toBeUndefined()
    const plainLost = await until('TASK_LOST', () => plain.updates('tp').find((s) => s.state === 'TASK_LOST'))
    expect(plainLost.reason).toBe('REASON_AGENT_REMOVED')
    for (const fw of [aware, plain])
      expect(
        fw.events.some(
          (e) => e.type === 'FAILURE' && e.failure?.agent_id?.value === agent.state.id && !e.failure?.executor_id,
        ),
      ).toBe(true)
    // the master's views
    const state = m.master.state()
    expect(state.unreachable_agents).toEqual([expect.objectContaining({ id: agent.state.id, hostname: '127.0.2.1' })])
    expect(state.agents.some((a) => a.id === agent.state.id)).toBe(false)
    expect(state.tasks.map((t) => [t.id, t.state])).toEqual([['ta', 'TASK_UNREACHABLE']])
    const op = (await fetch(`http://${m.address}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE },
      body: JSON.stringify({ type: 'GET_STATE' }),
    }).then((r) => r.json())) as {
      get_state: {
        get_tasks: { tasks: unknown[]; unreachable_tasks: Array<{ task_id: { value: string } }> }
        get_agents: { unreachable_agents: Array<{ agent_id: { value: string } }> }
      }
    }
    expect(op.get_state.get_tasks.unreachable_tasks.map((t) => t.task_id.value)).toEqual(['ta'])
    expect(op.get_state.get_agents.unreachable_agents.map((a) => a.agent_id.value)).toEqual([agent.state.id])
    expect(await fetch(`http://${m.address}/metrics`).then((r) => r.text())).toMatch(
      /^kafka_mesos_master_agents\{state="unreachable"\} 1$/m,
    )
    // reconciliation while unreachable
    aware.events.length = 0
    plain.events.length = 0
    await aware.send({
      type: 'RECONCILE',
      reconcile: {
        tasks: [{ task_id: { value: 'ta' } }, { task_id: { value: 'other' }, agent_id: { value: agent.state.id! } }],
      },
    })
    await plain.send({
      type: 'RECONCILE',
      reconcile: { tasks: [{ task_id: { value: 'tp' }, agent_id: { value: agent.state.id! } }] },
    })
    expect(await until('reconciled ta', () => aware.updates('ta')[0])).toMatchObject({
      state: 'TASK_UNREACHABLE',
      reason: 'REASON_RECONCILIATION',
    })
    expect(await until('reconciled other', () => aware.updates('other')[0])).toMatchObject({
      state: 'TASK_UNREACHABLE',
      message: 'Reconciliation: Task is unreachable',
    })
    expect(await until('reconciled tp', () => plain.updates('tp')[0])).toMatchObject({ state: 'TASK_LOST' })

    // heal: the agent registers again with both tasks still running
    agent.close()
    agent.state.connected = true
    await agent.register()
    const back = await until('RUNNING again', () =>
      aware.updates('ta').find((s) => s.reason === 'REASON_AGENT_REREGISTERED'),
    )
    expect(back).toMatchObject({ state: 'TASK_RUNNING', source: 'SOURCE_MASTER' })
    // the framework that is not partition-aware has its tasks there shut down, and hears nothing more
    await until('SHUTDOWN_FRAMEWORK', () =>
      agent.events.find(
        (e) => e.type === 'SHUTDOWN_FRAMEWORK' && e.shutdown_framework?.framework_id.value === plain.id,
      ),
    )
    expect(
      agent.events.some(
        (e) => e.type === 'SHUTDOWN_FRAMEWORK' && e.shutdown_framework?.framework_id.value === aware.id,
      ),
    ).toBe(false)
    expect(plain.updates('tp').filter((s) => s.reason !== 'REASON_RECONCILIATION')).toEqual([])
    const after = m.master.state()
    expect(after.unreachable_agents).toEqual([])
    expect(after.tasks.map((t) => [t.id, t.state])).toEqual([['ta', 'TASK_RUNNING']])
    // and it is healthy again: still there after a while of answered pings
    await new Promise((r) => setTimeout(r, PING_MS * MAX_PINGS * 2))
    expect(m.master.state().agents.find((a) => a.id === agent.state.id)?.active).toBe(true)
    aware.close()
    plain.close()
    agent.close()
  })

  test('after a failover: registry agents that do not re-register in time become unreachable; reconciliation says so', async () => {
    const aware = await framework(m.address, 'after-failover', true)
    m.master.recoverAgents([{ id: 'S-late', hostname: 'late' }], Date.now() + 300, [
      { id: 'S-gone', hostname: 'gone', time: 1000 },
    ])
    const ask = async (agentId: string, taskId: string) => {
      await aware.send({
        type: 'RECONCILE',
        reconcile: { tasks: [{ task_id: { value: taskId }, agent_id: { value: agentId } }] },
      })
      await new Promise((r) => setTimeout(r, 150))
      return aware.updates(taskId)
    }
    expect(await ask('S-gone', 't-gone')).toEqual([
      expect.objectContaining({ state: 'TASK_UNREACHABLE', unreachable_time: { nanoseconds: 1000 * 1e6 } }),
    ])
    expect(await ask('S-late', 't-late')).toEqual([]) // may still re-register: no answer (docs/reconciliation.md)
    await until(
      'S-late unreachable',
      () => (m.master.state().unreachable_agents as Array<{ id: string }>).find((u) => u.id === 'S-late'),
      2000,
    )
    expect(await ask('S-late', 't-late2')).toEqual([expect.objectContaining({ state: 'TASK_UNREACHABLE' })])
    aware.close()
  })

  test('operator API event stream (SUBSCRIBE on /api/v1): SUBSCRIBED, AGENT_ADDED, AGENT_REMOVED when unreachable', async () => {
    const ac = new AbortController()
    const res = await fetch(`http://${m.address}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE },
      body: JSON.stringify({ type: 'SUBSCRIBE' }),
      signal: ac.signal,
    })
    expect(res.status).toBe(200)
    const events: Array<{
      type: string
      subscribed?: { get_state: object }
      agent_added?: { agent: { agent_info: { hostname: string; id: { value: string } } } }
      agent_removed?: { agent_id: { value: string } }
    }> = []
    void (async () => {
      try {
        for await (const r of readRecords(res.body!)) events.push(JSON.parse(r.toString()))
      } catch {
        // aborted
      }
    })()
    await until('SUBSCRIBED', () => events.find((e) => e.type === 'SUBSCRIBED'))
    expect(events[0].subscribed?.get_state).toHaveProperty('get_agents')
    const agent = await fakeAgent(m.address, '127.0.2.3')
    const added = await until('AGENT_ADDED', () =>
      events.find((e) => e.type === 'AGENT_ADDED' && e.agent_added?.agent.agent_info.hostname === '127.0.2.3'),
    )
    expect(added.agent_added?.agent.agent_info).toMatchObject({ hostname: '127.0.2.3', id: { value: agent.state.id } })
    agent.state.connected = false
    await until(
      'AGENT_REMOVED',
      () => events.find((e) => e.type === 'AGENT_REMOVED' && e.agent_removed?.agent_id.value === agent.state.id),
      PING_MS * (MAX_PINGS + 4),
    )
    ac.abort()
    agent.close()
  })

  test('an agent whose link dropped must re-register within the health-check time', async () => {
    const agent = await fakeAgent(m.address, '127.0.2.2')
    agent.close()
    await until('agent inactive', () => m.master.state().agents.find((a) => a.id === agent.state.id && !a.active))
    await until(
      'agent unreachable',
      () => (m.master.state().unreachable_agents as Array<{ id: string }>).find((u) => u.id === agent.state.id),
      PING_MS * (MAX_PINGS + 4),
    )
  })
})
