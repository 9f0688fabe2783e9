/** `broker update` of a running broker over REST: live options through a fake Kafka's IncrementalAlterConfigs, restarts for the rest, refusals. */

/**
 * `broker update` of a running broker through the REST API, against a fake Kafka broker that speaks
 * IncrementalAlterConfigs v1 over TCP (unit test: no JVM). Options Kafka can change at run time go
 * live and need no restart; the rest set needsRestart; Kafka's refusal is a 400 and changes nothing.
 * Also the new settings' validation (bindAddress, syslog, volume, log4jOptions) naming the field.
 */
import { createServer, type Server } from 'node:net'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { newNode } from '../brokers/broker.js'
import type { KafkaScheduler } from '../framework/index.js'
import { offlineScheduler } from '../framework/scheduler.test-support.js'
import { Reader, Writer } from '../kafka/wire/codec.js'
import { createApi } from './app.js'

interface Seen {
  resource: string
  validateOnly: boolean
  configs: Array<{ name: string; op: number; value: string | null }>
}

/** A fake broker: answers IncrementalAlterConfigs; refuses num.io.threads=1 as Kafka 4.4 does. */
function fakeKafka(seen: Seen[]): Promise<{ server: Server; port: number }> {
  const server = createServer((sock) => {
    let buf = Buffer.alloc(0)
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < 4 || buf.length < 4 + buf.readInt32BE(0)) return
      const r = new Reader(buf.subarray(4, 4 + buf.readInt32BE(0)))
      const apiKey = r.int16()
      r.int16()
      const correlation = r.int32()
      const clientLen = r.int16()
      for (let i = 0; i < clientLen; i++) r.int8()
      r.tags()
      expect(apiKey).toBe(44)
      const resources = r.compactArray((x) => {
        x.int8()
        const resource = x.compactString()
        const configs = x.compactArray((c) => {
          const out = { name: c.compactString(), op: c.int8(), value: c.compactNullableString() }
          c.tags()
          return out
        })
        x.tags()
        return { resource, configs }
      })
      const validateOnly = r.int8() === 1
      for (const res of resources) seen.push({ ...res, validateOnly })
      const refused = resources.some((res) => res.configs.some((c) => c.name === 'num.io.threads' && c.value === '1'))
      const body = new Writer()
        .int32(correlation)
        .tags()
        .int32(0)
        .compactArray(resources, (w, res) =>
          w
            .int16(refused ? 40 : 0)
            .compactNullableString(
              refused
                ? 'Invalid value 1 for configuration num.io.threads: value should be at least half the current value 8'
                : null,
            )
            .int8(4)
            .compactString(res.resource)
            .tags(),
        )
        .tags()
        .build()
      sock.end(Buffer.concat([new Writer().int32(body.length).build(), body]))
    })
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })),
  )
}

function scheduler(kafkaPort: number): KafkaScheduler {
  const { s } = offlineScheduler({ runningController: false })
  const b = newNode(0)
  Object.assign(b, {
    active: true,
    cpus: 0.5,
    mem: 768,
    heap: 256,
    options: { 'num.partitions': '1' },
    launchedOptions: { 'num.partitions': '1' },
  })
  b.task = {
    id: 'kafka-0-x',
    slaveId: 'a1',
    executorId: 'e',
    hostname: '127.0.0.1',
    endpoint: `127.0.0.1:${kafkaPort}`,
    attributes: {},
    state: 'running',
  }
  s.state.brokers.push(b)
  return s
}

type Json = {
  error?: string
  code?: string
  brokers?: Array<{
    needsRestart: boolean
    changes?: { live: Record<string, string>; restart: string[] }
    bindAddress?: string
    syslog?: boolean
    volume?: string
    log4jOptions?: string
  }>
}

describe('broker update on a running broker', () => {
  const seen: Seen[] = []
  let kafka: { server: Server; port: number }
  beforeAll(async () => {
    kafka = await fakeKafka(seen)
  })
  afterAll(() => new Promise<void>((r) => kafka.server.close(() => r())))

  const post = async (app: ReturnType<typeof createApi>, path: string, body: Record<string, string>) => {
    const res = await app.request(`/api/broker/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    })
    return { status: res.status, body: (await res.json()) as Json }
  }

  test('a dynamic option is applied live (validated, then set on the broker resource of its id) and needs no restart', async () => {
    const s = scheduler(kafka.port)
    const app = createApi(s, pino({ level: 'silent' }))
    seen.length = 0
    const r = await post(app, 'update', { broker: '0', options: 'num.partitions=1,num.io.threads=4' })
    expect(r.status).toBe(200)
    expect(seen).toEqual([
      { resource: '0', validateOnly: true, configs: [{ name: 'num.io.threads', op: 0, value: '4' }] },
      { resource: '0', validateOnly: false, configs: [{ name: 'num.io.threads', op: 0, value: '4' }] },
    ])
    expect(r.body.brokers![0].needsRestart).toBe(false)
    expect(r.body.brokers![0].changes).toEqual({ live: { 'num.io.threads': '4' }, restart: [] })

    // removing it again deletes the override live
    seen.length = 0
    const back = await post(app, 'update', { broker: '0', options: 'num.partitions=1' })
    expect(seen.map((x) => x.configs)).toEqual([
      [{ name: 'num.io.threads', op: 1, value: null }],
      [{ name: 'num.io.threads', op: 1, value: null }],
    ])
    expect(back.body.brokers![0].needsRestart).toBe(false)
    expect(back.body.brokers![0].changes).toBeUndefined()
  })

  test('a static option and other settings need a restart, and broker list says which', async () => {
    const s = scheduler(kafka.port)
    const app = createApi(s, pino({ level: 'silent' }))
    seen.length = 0
    const r = await post(app, 'update', { broker: '0', options: 'num.partitions=2,log.cleaner.threads=2', mem: '1024' })
    expect(r.status).toBe(200)
    expect(r.body.brokers![0].needsRestart).toBe(true)
    expect(r.body.brokers![0].changes).toEqual({
      live: { 'log.cleaner.threads': '2' },
      restart: ['mem', 'num.partitions'],
    })
    const list = (await (await app.request('/api/broker/list')).json()) as Json
    expect(list.brokers![0].changes?.restart).toEqual(['mem', 'num.partitions'])
  })

  test("Kafka's refusal is a 400 with Kafka's reason, and nothing changes", async () => {
    const s = scheduler(kafka.port)
    const app = createApi(s, pino({ level: 'silent' }))
    seen.length = 0
    const r = await post(app, 'update', { broker: '0', options: 'num.io.threads=1', mem: '1024' })
    expect(r.status).toBe(400)
    expect(r.body.error).toBe(
      'options: Kafka refused num.io.threads=1 on broker 0: INVALID_CONFIG: Invalid value 1 for configuration num.io.threads: value should be at least half the current value 8',
    )
    expect(r.body.code).toBe('KM_ERR_KAFKA_REFUSED')
    expect(seen.every((x) => x.validateOnly)).toBe(true)
    expect(s.state.brokers[0].options).toEqual({ 'num.partitions': '1' })
    expect(s.state.brokers[0].mem).toBe(768)
  })

  test('an unreachable broker is a 503 and nothing changes', async () => {
    const s = scheduler(1) // nothing listens on port 1
    const app = createApi(s, pino({ level: 'silent' }))
    const r = await post(app, 'update', { broker: '0', options: 'num.io.threads=4' })
    expect(r.status).toBe(503)
    expect(r.body.error).toMatch(/^options: broker 0 at 127.0.0.1:1 did not take num.io.threads=4 \(/)
    expect(s.state.brokers[0].options).toEqual({ 'num.partitions': '1' })
  })

  test('bindAddress, syslog, volume and log4jOptions: bad values are 400 naming the field; good ones are stored and listed', async () => {
    const s = scheduler(kafka.port)
    const app = createApi(s, pino({ level: 'silent' }))
    for (const [field, bad, msg] of [
      ['bindAddress', '10.*.*', /^bindAddress: invalid prefix/],
      ['bindAddress', '192.*.1', /^bindAddress: invalid bind address/],
      ['bindAddress', 'if:', /^bindAddress: invalid interface name/],
      ['syslog', 'maybe', /^syslog: expected true or false/],
      ['volume', '../etc', /^volume: invalid volume id/],
      ['log4jOptions', 'kafka=LOUD', /^log4jOptions: kafka=LOUD: logger kafka takes a level/],
    ] as const) {
      const r = await post(app, 'add', { broker: '5', [field]: bad })
      expect(r.status, `${field}=${bad}`).toBe(400)
      expect(r.body.error).toMatch(msg)
    }
    const ok = await post(app, 'add', {
      broker: '5',
      bindAddress: '127.0.1.*',
      syslog: 'true',
      volume: 'kafka-$id',
      log4jOptions: 'kafka.controller=DEBUG',
    })
    expect(ok.status).toBe(200)
    expect(ok.body.brokers![0]).toMatchObject({
      bindAddress: '127.0.1.*',
      syslog: true,
      volume: 'kafka-$id',
      log4jOptions: 'kafka.controller=DEBUG',
    })
    const unset = await post(app, 'update', {
      broker: '5',
      bindAddress: '',
      syslog: 'false',
      volume: '',
      log4jOptions: '',
    })
    expect(unset.body.brokers![0]).not.toHaveProperty('bindAddress')
    expect(unset.body.brokers![0]).not.toHaveProperty('syslog')
    expect(unset.body.brokers![0]).not.toHaveProperty('volume')
    expect(unset.body.brokers![0]).not.toHaveProperty('log4jOptions')
  })
})
