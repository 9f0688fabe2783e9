/** The quorum guard of `broker stop`: its rule, and the HTTP 409 that refuses a stop. */

import { fc, test } from '@fast-check/vitest'
import { pino } from 'pino'
import { describe, expect } from 'vitest'
import type { KafkaNode } from '../../contract/index.js'
import { createApi } from '../api/app.js'
import { newNode } from '../brokers/index.js'
import { offlineScheduler } from '../framework/scheduler.test-support.js'
import { quorumStopProblem } from './guard.js'

function node(id: number, role: KafkaNode['role'], up = true): KafkaNode {
  const n = newNode(id, role)
  n.active = up
  if (up)
    n.task = {
      id: `t${id}`,
      slaveId: 'a',
      executorId: 'e',
      hostname: 'h',
      endpoint: 'h:1',
      attributes: {},
      state: 'running',
    }
  return n
}

describe('broker stop and the KRaft quorum', () => {
  const combined3 = () => [
    node(0, 'broker,controller'),
    node(1, 'broker,controller'),
    node(2, 'broker,controller'),
    node(3, 'broker'),
  ]

  test('stopping 2 of 3 combined voters while others run is refused, naming the nodes and the fix', () => {
    expect(quorumStopProblem(combined3(), new Set([0, 1]))).toBe(
      'stopping 0,1 leaves 1 of 3 KRaft voters running (a majority is 2) while 2,3 keep running without a quorum; stop those too, or stop fewer voters at a time',
    )
  })

  test('one voter of three, plain brokers, a whole-cluster stop, a single combined node: allowed', () => {
    expect(quorumStopProblem(combined3(), new Set([0]))).toBeUndefined()
    expect(quorumStopProblem(combined3(), new Set([3]))).toBeUndefined()
    expect(quorumStopProblem(combined3(), new Set([0, 1, 2, 3]))).toBeUndefined()
    expect(quorumStopProblem([node(0, 'broker,controller')], new Set([0]))).toBeUndefined()
    expect(quorumStopProblem([node(1_000_000, 'controller'), node(0, 'broker')], new Set([0]))).toBeUndefined()
  })

  test.prop([
    fc.array(
      fc.record({
        role: fc.constantFrom('broker', 'controller', 'broker,controller' as const),
        up: fc.boolean(),
        stop: fc.boolean(),
      }),
      { maxLength: 7 },
    ),
  ])(
    'property: whenever a stop is allowed, a quorum that had a running majority keeps it or nothing that needs it stays active',
    (specs) => {
      const nodes = specs.map((s, i) => node(i, s.role as KafkaNode['role'], s.up))
      const stopping = new Set(specs.flatMap((s, i) => (s.stop ? [i] : [])))
      const voters = nodes.filter((n) => n.role !== 'broker')
      const majority = Math.floor(voters.length / 2) + 1
      const runningAfter = voters.filter((v) => v.active && !stopping.has(v.id)).length
      const hadMajority = voters.filter((v) => v.active).length >= majority
      const staying = nodes.some((n) => n.active && !stopping.has(n.id))
      const refused = quorumStopProblem(nodes, stopping) !== undefined
      expect(refused).toBe(
        voters.length > 0 &&
          hadMajority &&
          runningAfter < majority &&
          staying &&
          voters.some((v) => stopping.has(v.id)),
      )
    },
  )
})

describe('POST /api/broker/stop', () => {
  test('a stop that would leave running brokers without a quorum is HTTP 409 and changes nothing', async () => {
    const { s } = offlineScheduler({ runningController: false })
    s.state.brokers.push(node(0, 'broker,controller'), node(1, 'broker,controller'), node(2, 'broker,controller'))
    const app = createApi(s, pino({ level: 'silent' }))
    const res = await app.request('/api/broker/stop', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'broker=0,1&timeout=0',
    })
    expect(res.status).toBe(409)
    expect(await res.json()).toEqual({
      error: expect.stringMatching(/^stopping 0,1 leaves 1 of 3 KRaft voters running/),
      code: 'KM_ERR_QUORUM',
    })
    expect(s.state.brokers.map((b) => b.active)).toEqual([true, true, true])
    const one = await app.request('/api/broker/stop', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'broker=0&timeout=0',
    })
    expect(one.status).toBe(200)
    expect(s.state.brokers[0].active).toBe(false)
  })
})
