/** `broker add|update` over REST refuses a heap, mem and options that cannot start Kafka: 400 KM_ERR_SIZING naming the option and the fix. */
import pino from 'pino'
import { describe, expect, test } from 'vitest'
import { offlineScheduler } from '../framework/scheduler.test-support.js'
import { createApi } from './app.js'

function api() {
  const { s } = offlineScheduler({ runningController: false })
  const app = createApi(s, pino({ level: 'silent' }))
  const post = async (path: string, body: Record<string, string>) => {
    const res = await app.request(`/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    })
    return { status: res.status, body: (await res.json()) as { error?: string; code?: string } }
  }
  return { s, post }
}

describe('broker sizing at add and update', () => {
  test("the issue's command with Kafka's default dedupe buffer is a 400 that names the option and the fix", async () => {
    const { s, post } = api()
    const r = await post('broker/add', {
      broker: '1000..1019',
      cpus: '0.01',
      heap: '128',
      mem: '512',
      options: 'num.io.threads=1,log.cleaner.dedupe.buffer.size=134217728',
    })
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('KM_ERR_SIZING')
    expect(r.body.error).toMatch(
      /^options: log\.cleaner\.dedupe\.buffer\.size leaves too little of the 128 MB heap: .*set log\.cleaner\.dedupe\.buffer\.size to at most 66584576 \(63\.5 MB\), or raise --heap to 257 or more, or leave log\.cleaner\.dedupe\.buffer\.size unset .* \(broker 1000\)$/,
    )
    expect(s.state.brokers).toEqual([]) // nothing added
  })

  test('the README short form is accepted; Kafka starts it with a dedupe buffer derived from the heap', async () => {
    const { s, post } = api()
    const r = await post('broker/add', { broker: '1000..1019', cpus: '0.01', heap: '128', mem: '512' })
    expect(r.status).toBe(200)
    expect(s.state.brokers).toHaveLength(20)
  })

  test('mem too small for heap, JVM and executor: 400 naming mem; update is checked the same way and changes nothing', async () => {
    const { s, post } = api()
    const small = await post('broker/add', { broker: '0', heap: '256', mem: '400' })
    expect(small.status).toBe(400)
    expect(small.body.code).toBe('KM_ERR_SIZING')
    expect(small.body.error).toMatch(
      /^mem: 400 MB cannot hold a 256 MB heap: .*give --mem 496 or more, or lower --heap to 160 or less \(broker 0\)$/,
    )
    expect((await post('broker/add', { broker: '0', heap: '256', mem: '768' })).status).toBe(200)
    const up = await post('broker/update', { broker: '0', heap: '700' })
    expect(up.status).toBe(400)
    expect(up.body.error).toMatch(/^mem: 768 MB cannot hold a 700 MB heap/)
    expect(s.state.brokers[0].heap).toBe(256)
    const tooSmallHeap = await post('broker/update', { broker: '0', heap: '64' })
    expect(tooSmallHeap.body.error).toMatch(/^heap: 64 MB is too small for a Kafka broker: give --heap 128 or more/)
  })
})
