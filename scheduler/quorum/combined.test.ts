/** Combined `broker,controller` nodes: their server.properties, two ports, a quorum of their own, and their refusals. */

/**
 * Combined `broker,controller` nodes (issue 7, tiny clusters): the node is a broker the user adds
 * that is also a KRaft voter. Unit test on a KafkaScheduler whose master client is a recording fake.
 */
import pino from 'pino'
import { describe, expect, test } from 'vitest'
import { decodeTaskData, KafkaTaskDataSchema, serverProperties } from '../../contract/index.js'
import { type Offer, parseAttributes, parseResources } from '../../core-cluster/proto/index.js'
import { createApi } from '../api/app.js'
import { isFit, matchOffer, newNode } from '../brokers/index.js'
import { offlineScheduler } from '../framework/scheduler.test-support.js'

function offer(i: number, ports = '[31000-31999]'): Offer {
  return {
    id: { value: `o${i}-${Math.random()}` },
    framework_id: { value: 'f' },
    agent_id: { value: `a${i}` },
    hostname: `127.0.1.${i}`,
    resources: parseResources(`cpus:2;mem:4096;ports:${ports}`),
    attributes: parseAttributes(`rack:r${i}`),
  }
}

function scheduler() {
  const { s, calls: recorded } = offlineScheduler({ runningController: false, clusterId: 'MkU3OEVBNTcwNTJENDM2Qg' })
  const calls = recorded as unknown as Array<{
    type: string
    accept?: {
      operations: Array<{
        launch: {
          task_infos: Array<{
            data: string
            resources: Array<{ name: string; ranges?: { range: Array<{ begin: number; end: number }> } }>
          }>
        }
      }>
    }
  }>
  const app = createApi(s, pino({ level: 'silent' }))
  const post = (path: string, body: Record<string, string>) =>
    app.request(`/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    })
  return { s, calls, post }
}

describe('combined broker,controller nodes', () => {
  test('server.properties has both roles and both listeners', () => {
    const data = KafkaTaskDataSchema.parse({
      role: 'broker,controller',
      nodeId: 0,
      clusterId: 'MkU3OEVBNTcwNTJENDM2Qg',
      host: '127.0.1.1',
      port: 31000,
      controllerPort: 31001,
      quorum: '127.0.1.1:31001',
      format: 'standalone',
      heapMb: 256,
    })
    const p = serverProperties(data, { defaults: '', logDirs: '/d' })
    expect(p.get('process.roles')).toBe('broker,controller')
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.1.1:31000,CONTROLLER://127.0.1.1:31001')
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.1.1:31000,CONTROLLER://127.0.1.1:31001')
    expect(p.get('inter.broker.listener.name')).toBe('PLAINTEXT')
  })

  test('a combined node takes two ports, and keeps its controller port once pinned', () => {
    const n = newNode(0, 'broker,controller')
    n.cpus = 0.5
    n.mem = 1024
    n.heap = 256
    expect(matchOffer(offer(1, '[31000-31000]'), n)).toMatchObject({
      reason: 'a broker,controller node needs 2 ports; one offered',
    })
    const m = matchOffer(offer(1), n)
    expect(isFit(m) && [m.port, m.controllerPort]).toEqual([31000, 31001])
    n.controllerPort = 31005
    const again = matchOffer(offer(1), n)
    expect(isFit(again) && [again.port, again.controllerPort]).toEqual([31000, 31005])
  })

  test('one combined broker forms a standalone quorum by itself: no dedicated controller, pinned, 2 ports', async () => {
    const { s, calls, post } = scheduler()
    expect(
      (await post('broker/add', { broker: '0', role: 'broker,controller', cpus: '0.5', mem: '1024', heap: '256' }))
        .status,
    ).toBe(200)
    const node = s.state.brokers[0]
    expect(node.role).toBe('broker,controller')
    expect(node.directoryId).toMatch(/^[A-Za-z0-9_-]{22}$/)
    await s.activate([node])
    await (s as unknown as { onOffers(o: Offer[]): Promise<void> }).onOffers([offer(2)])
    expect(s.state.controllers).toEqual([])
    const launches = calls.filter((c) => c.type === 'ACCEPT')
    expect(launches).toHaveLength(1)
    const task = launches[0].accept!.operations[0].launch.task_infos[0]
    const data = decodeTaskData(task.data)
    expect(data).toMatchObject({
      role: 'broker,controller',
      nodeId: 0,
      host: '127.0.1.2',
      port: 31000,
      controllerPort: 31001,
      quorum: '127.0.1.2:31001',
      format: 'standalone',
    })
    expect(task.resources.find((r) => r.name === 'ports')!.ranges!.range).toEqual([
      { begin: 31000, end: 31000 },
      { begin: 31001, end: 31001 },
    ])
    expect(node.stickiness.hostname).toBe('127.0.1.2')
    expect(node.controllerPort).toBe(31001)
    expect(s.state.initialControllers).toBe(`0@127.0.1.2:31001:${node.directoryId}`)
  })

  test('three combined brokers are gang-placed with --initial-controllers; a plain broker waits for them', async () => {
    const { s, calls, post } = scheduler()
    expect(
      (await post('broker/add', { broker: '0..2', role: 'broker,controller', cpus: '0.5', mem: '1024', heap: '256' }))
        .status,
    ).toBe(200)
    expect((await post('broker/add', { broker: '3', cpus: '0.5', mem: '1024', heap: '256' })).status).toBe(200)
    await s.activate(s.state.brokers)
    const onOffers = (o: Offer[]) => (s as unknown as { onOffers(o: Offer[]): Promise<void> }).onOffers(o)
    await onOffers([offer(1), offer(2)])
    expect(calls.filter((c) => c.type === 'ACCEPT')).toHaveLength(0) // held: 3 voters need 3 hosts
    // broker list says why a voter waits
    const waiting = (await (await post('broker/list', { broker: '0' })).json()) as {
      brokers: Array<{ role?: string; waiting?: { reason: string } }>
    }
    expect(waiting.brokers[0].role).toBe('broker,controller')
    expect(waiting.brokers[0].waiting?.reason).toBe(
      'a quorum of 3 controllers needs 3 distinct hosts; offers came from 2',
    )
    await onOffers([offer(3)])
    const data = calls
      .filter((c) => c.type === 'ACCEPT')
      .map((c) => decodeTaskData(c.accept!.operations[0].launch.task_infos[0].data))
    expect(data.map((d) => d.nodeId).sort()).toEqual([0, 1, 2])
    expect(new Set(data.map((d) => d.initialControllers)).size).toBe(1)
    expect(data.every((d) => d.format === 'initial-controllers' && d.role === 'broker,controller')).toBe(true)
    expect(s.state.brokers[3].task).toBeUndefined() // the plain broker waits for a majority of voters to run
  })

  test('refusals: a combined node cannot join a formed quorum, change role, or be removed as a voter', async () => {
    const { s, post } = scheduler()
    await post('broker/add', { broker: '0', role: 'broker,controller' })
    expect(
      ((await (await post('broker/update', { broker: '0', role: 'broker' })).json()) as { error: string }).error,
    ).toMatch(/^role: the role of broker 0 is fixed/)
    s.state.brokers[0].stickiness.hostname = 'h'
    s.state.brokers[0].controllerPort = 1
    const late = await post('broker/add', { broker: '1', role: 'broker,controller' })
    expect(late.status).toBe(400)
    expect(((await late.json()) as { error: string }).error).toMatch(/already has one; .*controller add/)
    const rm = await post('broker/remove', { broker: '0' })
    expect(((await rm.json()) as { error: string }).error).toMatch(/is a broker,controller node, a voter/)
    expect(
      ((await (await post('broker/add', { broker: '5', role: 'controller' })).json()) as { error: string }).error,
    ).toMatch(/^role: expected broker or broker,controller/)
  })
})
