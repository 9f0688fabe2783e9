/** The CLI's `apps://host:port/<app>` API: finding the scheduler through the meta-framework's task list. */
import type { Server } from 'node:http'
import { type AddressInfo, createServer } from 'node:net'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { HttpResponse, http, passthrough } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import BrokerList from '../commands/broker/list.js'
import { runCommand } from '../commands/cli.test-support.js'
import { resolveApi } from './api-url.js'
import { schedulerFromApps } from './apps-discovery.js'
import { post } from './rest.js'
import { SchedulerApiError } from './scheduler-api-error.js'

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
    await expect(schedulerFromApps(`apps://127.0.0.1:${apps.port}/kafka`)).rejects.toThrow(SchedulerApiError)
    await expect(schedulerFromApps(`apps://127.0.0.1:${apps.port}/kafka`)).rejects.toThrow(
      /runs no task of app \/kafka/,
    )
    running = true
  })
})

describe('apps:// under msw: what a user sees from a command', () => {
  const server = setupServer()
  const seen: string[] = []
  let tasks: Array<{ state: string; host: string; ports: number[] }> = []
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    server.resetHandlers()
    seen.length = 0
  })
  afterAll(() => server.close())
  const metaFramework = (status = 200) =>
    server.use(
      http.get('http://apps.test:8080/v2/apps/:app/tasks', ({ request }) => {
        seen.push(`GET ${new URL(request.url).pathname}`)
        return status === 200 ? HttpResponse.json({ tasks }) : new HttpResponse('unavailable', { status })
      }),
      http.post('http://sched.test:7001/api/broker/list', ({ request }) => {
        seen.push(`POST ${request.url}`)
        return HttpResponse.json({ brokers: [] })
      }),
    )

  test('found: the first TASK_RUNNING task of /kafka answers the call', async () => {
    tasks = [
      { state: 'TASK_STAGING', host: 'other.test', ports: [1] },
      { state: 'TASK_RUNNING', host: 'sched.test', ports: [7001, 7002] },
    ]
    metaFramework()
    const r = await runCommand(BrokerList, ['--api', 'apps://apps.test:8080/kafka'])
    expect(r).toMatchObject({ stdout: 'no brokers\n', stderr: '', code: 0 })
    expect(seen).toEqual(['GET /v2/apps/kafka/tasks', 'POST http://sched.test:7001/api/broker/list'])
  })

  test('the app path names the app; a bare apps://host:port means /kafka', async () => {
    tasks = [{ state: 'TASK_RUNNING', host: 'sched.test', ports: [7001] }]
    metaFramework()
    expect(await schedulerFromApps('apps://apps.test:8080/brokers-b')).toBe('http://sched.test:7001')
    expect(await schedulerFromApps('apps://apps.test:8080')).toBe('http://sched.test:7001')
    expect(seen).toEqual(['GET /v2/apps/brokers-b/tasks', 'GET /v2/apps/kafka/tasks'])
  })

  test('no running task: Error: ... runs no task of app /kafka right now; retry in a moment, exit 1', async () => {
    tasks = [{ state: 'TASK_STAGING', host: 'sched.test', ports: [7001] }]
    metaFramework()
    const r = await runCommand(BrokerList, ['--api', 'apps://apps.test:8080/kafka'])
    expect(r).toMatchObject({
      stderr: 'Error: the meta-framework at apps.test:8080 runs no task of app /kafka right now; retry in a moment\n',
      stdout: '',
      code: 1,
    })
    const json = await runCommand(BrokerList, ['--api', 'apps://apps.test:8080/kafka', '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ code: 'KM_ERR_UNREACHABLE' })
    expect(json.code).toBe(1)
  })

  test('the meta-framework answers 503: Error: cannot ask the meta-framework at <url>: HTTP 503', async () => {
    metaFramework(503)
    const r = await runCommand(BrokerList, ['--api', 'apps://apps.test:8080/kafka'])
    expect(r).toMatchObject({
      stderr: 'Error: cannot ask the meta-framework at http://apps.test:8080/v2/apps/kafka/tasks: HTTP 503\n',
      code: 1,
    })
  })

  test('the meta-framework is down (connection refused): Error: cannot ask the meta-framework ..., exit 1', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as AddressInfo
        s.close(() => resolve(port))
      })
    })
    server.use(http.all(`http://127.0.0.1:${port}/*`, () => passthrough()))
    const r = await runCommand(BrokerList, ['--api', `apps://127.0.0.1:${port}/kafka`])
    expect(r).toMatchObject({
      stderr: `Error: cannot ask the meta-framework at http://127.0.0.1:${port}/v2/apps/kafka/tasks: fetch failed\n`,
      stdout: '',
      code: 1,
    })
  })
})
