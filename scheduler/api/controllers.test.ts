/** `controller list` and `controller add|remove` over REST: why a controller waits, and refusals naming the reason. */

/**
 * `controller list` says why a controller waits, and `controller add|remove` refusals are HTTP
 * answers naming the reason (unit test: a KafkaScheduler with a recording fake master client; no
 * Kafka runs, so DescribeQuorum fails and the list carries quorumError).
 */
import pino from 'pino'
import { describe, expect, test } from 'vitest'
import { type Offer, parseAttributes, parseResources } from '../../core-cluster/proto/index.js'
import { newNode } from '../brokers/index.js'
import { offlineScheduler } from '../framework/scheduler.test-support.js'
import { createApi } from './app.js'

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

function setup() {
  const { s } = offlineScheduler({ runningController: false, clusterId: 'MkU3OEVBNTcwNTJENDM2Qg' })
  const c0 = newNode(1_000_000, 'controller')
  Object.assign(c0, { active: true, cpus: 0.5, mem: 768, heap: 256, port: { start: 1, end: 1 } })
  c0.stickiness.hostname = '127.0.1.1'
  c0.task = {
    id: 't0',
    slaveId: 'a1',
    executorId: 'e',
    hostname: '127.0.1.1',
    endpoint: '127.0.1.1:1',
    attributes: { rack: 'r1' },
    state: 'running',
  }
  s.state.controllers.push(c0)
  const app = createApi(s, pino({ level: 'silent' }))
  return { s, app }
}

describe('controller list and changes over the API', () => {
  test('a controller being added waits for a host without a controller, and the list says so', async () => {
    const { s, app } = setup()
    const joining = newNode(1_000_001, 'controller')
    Object.assign(joining, { active: true, cpus: 0.5, mem: 768, heap: 256, membership: 'joining' })
    s.state.controllers.push(joining)
    s.state.quorumChange = {
      op: 'add',
      joining: 1_000_001,
      phase: 'placing',
      startedAt: Date.now(),
      updatedAt: Date.now(),
      progress: [{ time: Date.now(), text: 'controller 1000001 created' }],
    }
    const declined = await s.handleOffer(offer(1))
    expect(declined.declined?.reasons).toContain(
      'controller 1000001: controllers go on distinct hosts: 127.0.1.1 already has controller 1000000',
    )
    const list = (await (await app.request('/api/controller/list')).json()) as {
      controllers: Array<{ id: string; membership?: string; waiting?: { reason: string } }>
      change: { summary: string }
      quorumError?: string
    }
    expect(list.controllers[1]).toMatchObject({
      id: '1000001',
      membership: 'joining',
      waiting: { reason: 'controllers go on distinct hosts: 127.0.1.1 already has controller 1000000' },
    })
    expect(list.change.summary).toBe('add 1000001: placing')
    expect(list.quorumError).toMatch(/no node described the KRaft quorum/)
    const placed = await s.handleOffer(offer(2))
    expect(placed.launched?.[0]).toMatchObject({ nodeId: 1_000_001, role: 'controller' })
    expect(joining.stickiness.hostname).toBe('127.0.1.2') // pinned where it is formatted
    expect(joining.port).toEqual({ start: 31000, end: 31000 })
  })

  test('refusals are HTTP answers naming the reason', async () => {
    const { app } = setup()
    const post = (path: string, body: Record<string, string>) =>
      app.request(`/api/controller/${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body).toString(),
      })
    const noId = await post('remove', {})
    expect(noId.status).toBe(400)
    expect(((await noId.json()) as { error: string }).error).toMatch(/^controller: required/)
    const bad = await post('remove', { controller: 'x' })
    expect(((await bad.json()) as { error: string }).error).toMatch(/^controller: expected the node id/)
    const down = await post('add', {}) // no Kafka answers DescribeQuorum here
    expect(down.status).toBe(503)
    expect((await down.json()) as { error: string; code: string }).toMatchObject({
      code: 'KM_ERR_QUORUM_CHANGE',
      error: expect.stringMatching(/^the KRaft quorum cannot be described/),
    })
  })
})
