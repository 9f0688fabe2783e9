import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ApiError, post, resolveApi, schedulerFromApps } from './api.js'

function start(app: Hono): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
      resolve({ server, port: (server.address() as AddressInfo).port }),
    ) as Server
  })
}

describe('finding the scheduler through the meta-framework (apps://)', () => {
  let scheduler: { server: Server; port: number }
  let apps: { server: Server; port: number }
  let running = true
  beforeAll(async () => {
    scheduler = await start(new Hono().post('/api/broker/list', (c) => c.json({ brokers: [], from: 'scheduler' })))
    apps = await start(
      new Hono().get('/v2/apps/kafka/tasks', (c) =>
        c.json({
          tasks: [
            { state: 'TASK_STAGING', host: '127.0.0.9', ports: [1] },
            ...(running ? [{ state: 'TASK_RUNNING', host: '127.0.0.1', ports: [scheduler.port] }] : []),
          ],
        }),
      ),
    )
  })
  afterAll(() => {
    scheduler.server.close()
    apps.server.close()
  })

  test('apps://host:port/kafka is a valid --api and resolves to the running task', async () => {
    const api = resolveApi({ flag: `apps://127.0.0.1:${apps.port}/kafka`, env: {} })
    expect(api).toBe(`apps://127.0.0.1:${apps.port}/kafka`)
    expect(await schedulerFromApps(api)).toBe(`http://127.0.0.1:${scheduler.port}`)
    expect(await post(api, 'broker/list', {})).toEqual({ brokers: [], from: 'scheduler' })
  })

  test('no running task: a clear error, not a crash', async () => {
    running = false
    await expect(schedulerFromApps(`apps://127.0.0.1:${apps.port}/kafka`)).rejects.toThrow(ApiError)
    await expect(schedulerFromApps(`apps://127.0.0.1:${apps.port}/kafka`)).rejects.toThrow(
      /runs no task of app \/kafka/,
    )
    running = true
  })
})
