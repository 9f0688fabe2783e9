/** `/api/broker/log` and `/api/broker/metrics` against a stand-in scheduler: answers, 400s, timeouts and failures per broker. */

/**
 * `/api/broker/log` and `/api/broker/metrics` against a stand-in scheduler: the answers' shapes
 * (mesos/kafka's `BrokerApi.scala`), 400s that say what is wrong, timeouts and failures per broker.
 */
import { Hono } from 'hono'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import type { KafkaNode } from '../../contract/index.js'
import { KmError } from '../../errors/index.js'
import { newNode } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import type { RequestBody, RequestOutcome } from '../observe/index.js'
import { registerObserveRoutes } from './observe.js'

function running(id: number, role: 'broker' | 'controller' = 'broker'): KafkaNode {
  const n = newNode(id, role)
  n.active = true
  n.task = {
    id: `t${id}`,
    slaveId: 'a',
    executorId: `e${id}`,
    hostname: 'h',
    endpoint: 'h:1',
    attributes: {},
    state: 'running',
  }
  return n
}

function api(nodes: KafkaNode[], answer: (n: KafkaNode, body: RequestBody) => RequestOutcome | Error) {
  const state = {
    brokers: nodes.filter((n) => n.role === 'broker'),
    controllers: nodes.filter((n) => n.role === 'controller'),
  }
  const scheduler = {
    state,
    nodes: () => [...state.controllers, ...state.brokers],
    ask: async (n: KafkaNode, body: RequestBody) => {
      const a = answer(n, body)
      if (a instanceof Error) throw a
      return a
    },
  } as unknown as KafkaScheduler
  const app = new Hono()
  app.onError((e, c) =>
    // as app.ts answers: bad params (ApiError) and domain refusals are KmErrors
    e instanceof KmError ? c.json(e.toJSON(), e.status) : c.json({ error: String(e) }, 500),
  )
  registerObserveRoutes(app, scheduler, pino({ level: 'silent' }))
  return async (path: string) => {
    const res = await app.request(path)
    return { status: res.status, body: res.status === 204 ? null : ((await res.json()) as Record<string, unknown>) }
  }
}

const logOk = (content: string): RequestOutcome => ({ status: 'ok', reply: { type: 'log', requestId: 'x', content } })

describe('/api/broker/log', () => {
  it('one broker: {status, content}; several: by id; a timeout and a failure say which broker', async () => {
    const call = api([running(0), running(1), running(2)], (n) =>
      n.id === 0
        ? logOk('a\nb\n')
        : n.id === 1
          ? { status: 'timeout' }
          : { status: 'ok', reply: { type: 'log', requestId: 'x', error: "x.log doesn't exist" } },
    )
    expect(await call('/api/broker/log?broker=0')).toEqual({ status: 200, body: { status: 'ok', content: 'a\nb\n' } })
    expect(await call('/api/broker/log?broker=0..2&timeout=5s')).toEqual({
      status: 200,
      body: {
        '0': { status: 'ok', content: 'a\nb\n' },
        '1': { status: 'timeout', content: '', error: 'broker 1 log retrieve timeout (5s)' },
        '2': { status: 'failure', content: '', error: "broker 2: x.log doesn't exist" },
      },
    })
  })

  it('passes name and lines on; defaults stdout and 100', async () => {
    const seen: RequestBody[] = []
    const call = api([running(0)], (_n, body) => {
      seen.push(body)
      return logOk('')
    })
    await call('/api/broker/log?broker=0')
    await call('/api/broker/log?broker=0&name=server.log&lines=7')
    expect(seen).toEqual([
      { type: 'log', name: 'stdout', lines: 100 },
      { type: 'log', name: 'server.log', lines: 7 },
    ])
  })

  it('400s: no broker, unknown, stopped, not yet running, bad lines or timeout', async () => {
    const pending = running(3)
    pending.task!.state = 'pending'
    const call = api([running(0), newNode(1), pending], () => logOk(''))
    expect((await call('/api/broker/log')).body?.error).toBe('broker: required, an id expression such as 0 or 0..2')
    expect(await call('/api/broker/log?broker=9')).toMatchObject({ status: 400, body: { error: 'broker 9 not found' } })
    expect(await call('/api/broker/log?broker=1')).toMatchObject({
      status: 400,
      body: { error: 'broker 1 is not active' },
    })
    expect(await call('/api/broker/log?broker=3')).toMatchObject({
      status: 400,
      body: { error: 'broker 3 is not running yet (its task is pending)' },
    })
    expect(await call('/api/broker/log?broker=0&lines=-1')).toMatchObject({
      status: 400,
      body: { error: 'lines: expected a whole number of at least 1 such as 100, got "-1"' },
    })
    expect((await call('/api/broker/log?broker=0&timeout=0')).body?.error).toBe(
      'timeout: must be more than 0, such as 30s',
    )
  })
})

describe('/api/broker/metrics', () => {
  it('metrics by id, filtered; errors by id; --controllers adds the quorum', async () => {
    const m = {
      timestamp: 5,
      'kafka.server,ReplicaManager,UnderReplicatedPartitions': 0,
      'kafka.server,BrokerTopicMetrics,MessagesInPerSec': 2,
    }
    const call = api([running(0), newNode(1), running(2), running(1_000_000, 'controller')], (n) =>
      n.id === 2
        ? new Error('not subscribed; MESSAGE not sent')
        : { status: 'ok', reply: { type: 'metrics', requestId: 'x', metrics: m } },
    )
    expect(await call('/api/broker/metrics?broker=*&filter=.*UnderReplicated.*')).toEqual({
      status: 200,
      body: {
        metrics: { '0': { timestamp: 5, 'kafka.server,ReplicaManager,UnderReplicatedPartitions': 0 } },
        errors: { '1': 'broker 1 is not active', '2': 'broker 2 failed: not subscribed; MESSAGE not sent' },
      },
    })
    const withCtl = await call('/api/broker/metrics?broker=0&controllers=true')
    expect(Object.keys((withCtl.body as { metrics: object }).metrics)).toEqual(['0', '1000000'])
    expect(await call('/api/broker/metrics?broker=0&filter=%5B')).toMatchObject({ status: 400 })
  })
})
