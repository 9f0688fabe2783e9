/** The REST transport under a real hono server: form params, JSON and ndjson answers, and every way a call fails. */
import { type AddressInfo, createServer } from 'node:net'

import { type ServerType, serve } from '@hono/node-server'
import { Hono } from 'hono'
import { stream } from 'hono/streaming'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { post, postStream } from './rest.js'
import { SchedulerApiError } from './scheduler-api-error.js'

describe('post', () => {
  let server: ServerType
  let api: string
  const seen: Array<{ path: string; contentType: string | undefined; form: Record<string, string> }> = []

  beforeAll(async () => {
    const app = new Hono()
      .post('/api/broker/add', async (c) => {
        const form = Object.fromEntries(new URLSearchParams(await c.req.text()))
        seen.push({ path: c.req.path, contentType: c.req.header('content-type'), form })
        if (form.cpus === 'abc') return c.json({ error: 'cpus: invalid number "abc"', code: 'KM_ERR_VALUE' }, 400)
        return c.json({ brokers: [{ id: form.broker }] })
      })
      .post('/api/broker/empty400', (c) => c.body(null, 400))
      .post('/api/broker/html', (c) => c.html('<p>hi</p>'))
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
    })
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('sends form-urlencoded params, skips undefined, returns JSON', async () => {
    const json = await post(api, 'broker/add', { broker: '0..2', cpus: '0.5', options: 'a=1\\,2,b=3', mem: undefined })
    expect(json).toEqual({ brokers: [{ id: '0..2' }] })
    expect(seen.at(-1)).toEqual({
      path: '/api/broker/add',
      contentType: 'application/x-www-form-urlencoded; charset=utf-8',
      form: { broker: '0..2', cpus: '0.5', options: 'a=1\\,2,b=3' },
    })
  })

  test("non-2xx with {error}: throws the server's message and code", async () => {
    const err = await post(api, 'broker/add', { broker: '0', cpus: 'abc' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SchedulerApiError)
    expect(err).toMatchObject({
      message: 'cpus: invalid number "abc"',
      code: 'KM_ERR_VALUE',
      status: 400,
      httpStatus: 400,
    })
  })

  test('non-2xx without a JSON body: status and reason', async () => {
    await expect(post(api, 'broker/empty400', {})).rejects.toThrow('400 - Bad Request')
    await expect(post(api, 'broker/nope', {})).rejects.toThrow('404 - Not Found')
  })

  test('2xx that is not JSON', async () => {
    await expect(post(api, 'broker/html', {})).rejects.toThrow(/unexpected non-JSON answer/)
  })

  test('unreachable server', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo
        s.close(() => resolve(port))
      })
    })
    const err = await post(`http://127.0.0.1:${closed}`, 'broker/list', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SchedulerApiError)
    // `httpStatus` 0: no answer was read (the KmError `status` is the table's, for an error with no HTTP status)
    expect(err).toMatchObject({ code: 'KM_ERR_UNREACHABLE', httpStatus: 0 })
    expect((err as SchedulerApiError).message).toBe(
      `cannot reach the scheduler API at http://127.0.0.1:${closed}: ECONNREFUSED`,
    )
  })
})

describe('postStream (streamed answers of broker restart)', () => {
  let server: ServerType
  let api: string

  beforeAll(async () => {
    const app = new Hono()
      .post('/api/broker/restart', (c) => {
        c.header('Content-Type', 'application/x-ndjson; charset=utf-8')
        return stream(c, async (s) => {
          // a line split across writes, as TCP may deliver it
          await s.write('{"progress":"stopping broker 0"}\n{"progr')
          await s.sleep(20)
          await s.write('ess":"starting broker 0"}\n')
          await s.write('{"status":"restarted","brokers":[{"id":"0"}]}\n')
        })
      })
      .post('/api/broker/fails', (c) => {
        c.header('Content-Type', 'application/x-ndjson')
        return stream(c, async (s) => {
          await s.write('{"progress":"stopping broker 0"}\n{"error":"internal error: boom","code":"KM_ERR_INTERNAL"}\n')
        })
      })
      .post('/api/broker/plain', (c) => c.json({ status: 'restarted', brokers: [] }))
      .post('/api/broker/bad', (c) => c.json({ error: 'broker 7 not found', code: 'KM_ERR_NOT_FOUND' }, 400))
      .post('/api/broker/cut', (c) => {
        c.header('Content-Type', 'application/x-ndjson')
        return stream(c, async (s) => {
          await s.write('{"progress":"stopping broker 0"}\n')
        })
      })
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
    })
    api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  test('progress lines in order, then the answer', async () => {
    const lines: string[] = []
    const json = await postStream(api, 'broker/restart', { broker: '0' }, (l) => lines.push(l))
    expect(lines).toEqual(['stopping broker 0', 'starting broker 0'])
    expect(json).toEqual({ status: 'restarted', brokers: [{ id: '0' }] })
  })

  test('an error line, an HTTP 400 and a cut stream are ApiErrors; plain JSON works without progress', async () => {
    await expect(postStream(api, 'broker/fails', {}, () => undefined)).rejects.toMatchObject({
      message: 'internal error: boom',
      code: 'KM_ERR_INTERNAL',
    })
    await expect(postStream(api, 'broker/bad', {}, () => undefined)).rejects.toMatchObject({
      message: 'broker 7 not found',
      status: 400,
    })
    await expect(postStream(api, 'broker/cut', {}, () => undefined)).rejects.toThrow(/ended without a result/)
    expect(await postStream(api, 'broker/plain', {}, () => undefined)).toEqual({ status: 'restarted', brokers: [] })
  })
})
