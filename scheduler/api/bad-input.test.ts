/** The probe's bad inputs to the scheduler's REST API: each is a 400, 413 or 415 with `{"error","code"}` naming the field, never a 500. */

import { pino } from 'pino'
import { describe, expect, test } from 'vitest'
import { offlineScheduler } from '../framework/scheduler.test-support.js'
import { createApi } from './app.js'

const errors: string[] = []
const log = pino({ level: 'error' }, { write: (l: string) => void errors.push(l) })

function api() {
  const { s } = offlineScheduler()
  return { s, app: createApi(s, log) }
}

async function post(app: ReturnType<typeof api>['app'], path: string, body: BodyInit, type?: string) {
  const res = await app.request(path, {
    method: 'POST',
    headers: type === undefined ? {} : { 'content-type': type },
    body,
  })
  return { status: res.status, body: (await res.json()) as { error: string; code: string } }
}

describe('bad input to the scheduler REST API', () => {
  test('multipart/form-data whose body is not multipart: 400, not "Failed to parse body as FormData" 500', async () => {
    const { app } = api()
    const r = await post(app, '/api/broker/add', 'garbage', 'multipart/form-data; boundary=XX')
    expect(r.status).toBe(400)
    expect(r.body.code).toBe('KM_ERR_INVALID_PARAM')
    expect(r.body.error).toMatch(/^request body is not valid multipart\/form-data/)
  })

  test('{"broker":{"toString":1}}: 400 naming the field, not "Cannot convert object to primitive value"', async () => {
    const { app, s } = api()
    const r = await post(app, '/api/broker/add', '{"broker":{"toString":1}}', 'application/json')
    expect(r).toEqual({
      status: 400,
      body: {
        error: 'broker: expected a string, number or boolean such as {"broker":"0"}, got an object',
        code: 'KM_ERR_INVALID_PARAM',
      },
    })
    expect(s.state.brokers).toEqual([])
  })

  test('an array where a value goes: 400 naming it', async () => {
    const { app } = api()
    const r = await post(app, '/api/broker/update', '{"broker":"0","cpus":[1]}', 'application/json')
    expect([r.status, r.body.error]).toEqual([
      400,
      'cpus: expected a string, number or boolean such as {"cpus":"0"}, got an array',
    ])
  })

  test('{"broker":[[[…5000 deep…]]]}: 400, not "Maximum call stack size exceeded"', async () => {
    const { app } = api()
    const r = await post(
      app,
      '/api/broker/add',
      `{"broker":${'['.repeat(5000)}${']'.repeat(5000)}}`,
      'application/json',
    )
    expect(r.status).toBe(400)
    expect(r.body.error).toContain('nests more than 64 arrays or objects deep')
  })

  test('a body of a type the API does not read: 415 KM_ERR_MEDIA_TYPE; an empty one is fine', async () => {
    const { app } = api()
    const r = await post(app, '/api/broker/add', 'broker=0', 'text/plain')
    expect([r.status, r.body.code]).toEqual([415, 'KM_ERR_MEDIA_TYPE'])
    const list = await app.request('/api/broker/list', { method: 'POST' })
    expect(list.status).toBe(200)
  })

  test('a body over 1 MiB: 413 KM_ERR_BODY_TOO_LARGE, and nothing changes', async () => {
    const { app, s } = api()
    const r = await post(
      app,
      '/api/broker/add',
      `broker=0&options=${'a'.repeat(1024 * 1024)}`,
      'application/x-www-form-urlencoded',
    )
    expect([r.status, r.body.code]).toEqual([413, 'KM_ERR_BODY_TOO_LARGE'])
    expect(s.state.brokers).toEqual([])
  })

  test('none of them was logged as an unexpected error', () => {
    expect(errors).toEqual([])
  })
})
