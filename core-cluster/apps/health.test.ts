/** The meta-framework's HTTP health checks against tasks mocked with msw: what counts as healthy, and when a task is killed as unhealthy. */
import { delay, HttpResponse, http } from 'msw'
import { setupServer } from 'msw/node'
import { pino } from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import { type App, AppSchema, type HealthCheck } from './app.js'
import { HealthChecker, runCheck } from './health.js'
import type { AppTask } from './task.js'

// msw intercepts the checker's `fetch` in this process: the "tasks" below are handlers on the
// task's host and ports; nothing listens there for real.
const HOST = '127.0.1.5'
const PORTS = [31001, 31002]
const server = setupServer()
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterEach(() => {
  server.resetHandlers()
  vi.useRealTimers()
})
afterAll(() => server.close())

const log = pino({ level: 'silent' })
const task = { host: HOST, ports: PORTS }
/** One HTTP check with Marathon's defaults, then `over`. */
const check = (over: Partial<HealthCheck> = {}): HealthCheck =>
  AppSchema.parse({ id: '/web', cmd: 'x', portDefinitions: [{}, {}], healthChecks: [{ protocol: 'HTTP', ...over }] })
    .healthChecks[0]

describe('one HTTP health check', () => {
  test('GETs the path on the task port of portIndex; a 2xx answer is healthy', async () => {
    const seen: string[] = []
    server.use(
      http.all('*', ({ request }) => {
        seen.push(`${request.method} ${request.url}`)
        return new HttpResponse(null, { status: request.url === `http://${HOST}:31002/ready` ? 204 : 404 })
      }),
    )
    expect(await runCheck(check({ path: '/ready', portIndex: 1 }), task)).toBeUndefined()
    expect(await runCheck(check({ path: '/ready', portIndex: 0 }), task)).toBe('HTTP 404')
    expect(await runCheck(check({ portIndex: 1 }), task)).toBe('HTTP 404')
    expect(seen).toEqual([
      `GET http://${HOST}:31002/ready`,
      `GET http://${HOST}:31001/ready`,
      `GET http://${HOST}:31002/`,
    ])
  })

  test('a 5xx or 4xx answer is unhealthy, its status the cause', async () => {
    server.use(
      http.get(`http://${HOST}:31001/health`, () => new HttpResponse('down', { status: 503 })),
      http.get(`http://${HOST}:31001/gone`, () => new HttpResponse(null, { status: 410 })),
    )
    expect(await runCheck(check({ path: '/health' }), task)).toBe('HTTP 503')
    expect(await runCheck(check({ path: '/gone' }), task)).toBe('HTTP 410')
  })

  test('a 3xx answer passes as Marathon counts 200–399: a redirect to a healthy page, or a 3xx on its own', async () => {
    server.use(
      http.get(
        `http://${HOST}:31001/old`,
        () => new HttpResponse(null, { status: 301, headers: { Location: '/new' } }),
      ),
      http.get(`http://${HOST}:31001/new`, () => new HttpResponse('ok')),
      http.get(`http://${HOST}:31001/same`, () => new HttpResponse(null, { status: 304 })),
    )
    expect(await runCheck(check({ path: '/old' }), task)).toBeUndefined()
    expect(await runCheck(check({ path: '/same' }), task)).toBeUndefined()
  })

  test('an answer slower than timeoutSeconds fails, and the check does not wait for it', async () => {
    server.use(
      http.get(`http://${HOST}:31001/`, async () => {
        await delay(3000)
        return new HttpResponse('late')
      }),
    )
    const started = Date.now()
    expect(await runCheck(check({ timeoutSeconds: 0.2 }), task)).toMatch(/^HTTP check failed: .*(timeout|aborted)/i)
    expect(Date.now() - started).toBeLessThan(2000)
  })

  test('a refused connection fails', async () => {
    server.use(http.get(`http://${HOST}:31001/`, () => HttpResponse.error()))
    expect(await runCheck(check(), task)).toMatch(/^HTTP check failed: /)
  })
})

describe('the health checker (Marathon: killed after maxConsecutiveFailures)', () => {
  /**
   * One app with one HTTP check on /health and one running task; the checker ticks each second on
   * fake timers (and a fake clock), msw answers with `answers` in turn (the last one again and again).
   */
  function world(over: Partial<HealthCheck>, answers: number[], taskState = 'TASK_RUNNING') {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] })
    const app: App = AppSchema.parse({
      id: '/web',
      cmd: 'x',
      portDefinitions: [{}, {}],
      healthChecks: [
        {
          protocol: 'HTTP',
          path: '/health',
          gracePeriodSeconds: 0,
          intervalSeconds: 1,
          timeoutSeconds: 1,
          maxConsecutiveFailures: 3,
          ...over,
        },
      ],
    })
    const t: AppTask = {
      id: 'web.1',
      appId: '/web',
      agentId: 'S1',
      host: HOST,
      ports: PORTS,
      attributes: {},
      state: taskState,
      stagedAt: Date.now(),
      startedAt: Date.now(),
    }
    const kills: Array<{ task: string; why: string; unhealthy: boolean }> = []
    let requests = 0
    server.use(
      http.get(`http://${HOST}:31001/health`, () => {
        const status = answers[Math.min(requests, answers.length - 1)]
        requests++
        return new HttpResponse(null, { status })
      }),
    )
    const checker = new HealthChecker(
      {
        apps: new Map([[app.id, app]]),
        appTasks: () => [t],
        kill: async (victim, why, unhealthy = false) => {
          kills.push({ task: victim.id, why, unhealthy })
          victim.healthKill = unhealthy
        },
      },
      log,
    )
    checker.start()
    return {
      task: t,
      kills,
      requests: () => requests,
      /** Lets `seconds` pass, one tick at a time, each time until the check it started has its result. */
      async pass(seconds: number) {
        for (let i = 0; i < seconds; i++) {
          const before = requests
          vi.advanceTimersByTime(1000)
          const at = new Date().toISOString()
          const deadline = performance.now() + 5000
          while (
            requests > before &&
            t.health?.[0].lastSuccess !== at &&
            t.health?.[0].lastFailure !== at &&
            performance.now() < deadline
          )
            await new Promise((r) => setTimeout(r, 5))
          await new Promise((r) => setTimeout(r, 5))
        }
      },
      stop: () => checker.stop(),
    }
  }

  test('a task failing maxConsecutiveFailures checks in a row is killed as unhealthy, not before', async () => {
    const w = world({ maxConsecutiveFailures: 3 }, [503])
    await w.pass(2)
    expect(w.task.health?.[0]).toMatchObject({ alive: false, consecutiveFailures: 2, lastFailureCause: 'HTTP 503' })
    expect(w.kills).toEqual([])
    await w.pass(1)
    expect(w.kills).toEqual([{ task: 'web.1', why: 'unhealthy: HTTP 503', unhealthy: true }])
    // a task killed as unhealthy is not checked again
    await w.pass(2)
    expect(w.requests()).toBe(3)
    w.stop()
  })

  test('a healthy answer resets the count: failures that never reach it in a row never kill', async () => {
    const w = world({ maxConsecutiveFailures: 3 }, [503, 503, 200, 503, 503, 200, 503, 503])
    await w.pass(8)
    expect(w.kills).toEqual([])
    expect(w.task.health?.[0]).toMatchObject({ alive: false, consecutiveFailures: 2 })
    expect(w.task.health?.[0].lastSuccess).toBeDefined()
    w.stop()
  })

  test('a healthy task shows alive with no failures', async () => {
    const w = world({}, [200])
    await w.pass(2)
    expect(w.task.health?.[0]).toMatchObject({ alive: true, consecutiveFailures: 0 })
    w.stop()
  })

  test('failures within gracePeriodSeconds of the start, before a first success, do not count', async () => {
    const w = world({ gracePeriodSeconds: 5, maxConsecutiveFailures: 2 }, [503])
    await w.pass(4)
    expect(w.task.health?.[0]).toMatchObject({ alive: false, consecutiveFailures: 0, lastFailureCause: 'HTTP 503' })
    expect(w.kills).toEqual([])
    await w.pass(3)
    expect(w.kills).toEqual([{ task: 'web.1', why: 'unhealthy: HTTP 503', unhealthy: true }])
    w.stop()
  })

  test('maxConsecutiveFailures 0: a failing task is never killed', async () => {
    const w = world({ maxConsecutiveFailures: 0 }, [500])
    await w.pass(5)
    expect(w.task.health?.[0]).toMatchObject({ alive: false, consecutiveFailures: 5 })
    expect(w.kills).toEqual([])
    w.stop()
  })

  test('checks run every intervalSeconds, and only against running tasks', async () => {
    const w = world({ intervalSeconds: 3 }, [200])
    await w.pass(6)
    expect(w.requests()).toBe(2)
    w.stop()
    const staging = world({}, [200], 'TASK_STAGING')
    await staging.pass(3)
    expect(staging.requests()).toBe(0)
    staging.stop()
  })
})
