/** The meta-framework: app definitions, placement and constraints, and apps run, replaced, scaled and health-checked on a real cluster. */
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fc, test } from '@fast-check/vitest'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect } from 'vitest'
import { type RunningAgent, startAgent } from '../agent/index.js'
import { type RunningMaster, startMaster } from '../master/index.js'
import { parseResources } from '../proto/index.js'
import { type RunningApps, startApps } from './api.js'
import { AppSchema, launchDelaySeconds } from './app.js'
import { fitInstance, violatedConstraint } from './placement.js'

const log = pino({ level: process.env.KM_TEST_LOG ?? 'silent' })

describe('app definitions (Marathon subset)', () => {
  test('defaults as Marathon: cpus 1, mem 128, one instance, one port, backoff 1 s × 1.15 up to 300 s', () => {
    const app = AppSchema.parse({ id: 'kafka', cmd: 'sleep 1' })
    expect(app).toMatchObject({
      id: '/kafka',
      cpus: 1,
      mem: 128,
      instances: 1,
      portDefinitions: [{ port: 0 }],
      backoffSeconds: 1,
      backoffFactor: 1.15,
      maxLaunchDelaySeconds: 300,
    })
  })

  test.each([
    [{ cmd: 'x' }, /id: required/],
    [{ id: '/Bad_Id', cmd: 'x' }, /id: use lowercase/],
    [{ id: '/a', cmd: 'x', args: ['y'] }, /exactly one/],
    [{ id: '/a' }, /exactly one/],
    [{ id: '/a', cmd: 'x', healthChecks: [{ protocol: 'HTTP', portIndex: 2 }] }, /portIndex/],
  ])('rejects %j', (input, message) => {
    const r = AppSchema.safeParse(input)
    expect(r.success).toBe(false)
    expect(r.error!.issues.map((i) => i.message).join('; ')).toMatch(message)
  })

  test('launch delay grows by the factor and stops at the maximum', () => {
    const app = { backoffSeconds: 1, backoffFactor: 2, maxLaunchDelaySeconds: 10 }
    expect([0, 1, 2, 3, 4, 5, 30].map((f) => launchDelaySeconds(app, f))).toEqual([0, 1, 2, 4, 8, 10, 10])
  })

  test.prop([
    fc.integer({ min: 1, max: 5 }),
    fc.array(fc.tuple(fc.integer({ min: 1000, max: 2000 }), fc.integer({ min: 0, max: 20 })), {
      minLength: 1,
      maxLength: 4,
    }),
  ])('an instance gets distinct offered ports, or a reason', (count, ranges) => {
    const text = `cpus:4;mem:4096;ports:[${ranges.map(([b, len]) => `${b}-${b + len}`).join(',')}]`
    const fit = fitInstance(
      { cpus: 1, mem: 128, portDefinitions: Array.from({ length: count }, () => ({ port: 0 })) },
      parseResources(text),
    )
    if (typeof fit === 'string') {
      expect(fit).toMatch(/ports/)
    } else {
      expect(new Set(fit.ports).size).toBe(count)
      for (const p of fit.ports) expect(ranges.some(([b, len]) => p >= b && p <= b + len)).toBe(true)
    }
  })

  test('constraints: UNIQUE, CLUSTER, LIKE, UNLIKE on hostname and attributes', () => {
    const place = { hostname: 'h1', attributes: { rack: 'r1' } }
    expect(
      violatedConstraint({ constraints: [['hostname', 'UNIQUE']] }, place, [{ hostname: 'h1', attributes: {} }]),
    ).toMatch(/UNIQUE/)
    expect(
      violatedConstraint({ constraints: [['hostname', 'UNIQUE']] }, place, [{ hostname: 'h2', attributes: {} }]),
    ).toBeUndefined()
    expect(violatedConstraint({ constraints: [['rack', 'CLUSTER', 'r2']] }, place, [])).toMatch(/CLUSTER/)
    expect(violatedConstraint({ constraints: [['rack', 'LIKE', 'r[0-9]']] }, place, [])).toBeUndefined()
    expect(violatedConstraint({ constraints: [['rack', 'UNLIKE', 'r1']] }, place, [])).toMatch(/UNLIKE/)
    expect(violatedConstraint({ constraints: [['zone', 'LIKE', 'z']] }, place, [])).toMatch(/no zone/)
  })
})

describe('the meta-framework keeps apps running (real master, agent and processes)', () => {
  let master: RunningMaster
  let agent: RunningAgent
  let apps: RunningApps
  const dir = mkdtempSync(join(tmpdir(), 'km-apps-'))

  beforeAll(async () => {
    master = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 100 })
    agent = await startAgent({
      master: master.address,
      host: '127.0.1.7',
      port: 0,
      resources: parseResources('cpus:4;mem:4096;ports:[32000-32099]'),
      attributes: [],
      workDir: join(dir, 'agent'),
      logger: log,
    })
    apps = await startApps({
      master: master.address,
      host: '127.0.0.1',
      port: 0,
      statePath: join(dir, 'apps.json'),
      logger: log,
    })
  })

  afterAll(async () => {
    await apps?.close()
    await agent?.close()
    await master?.close()
    // nothing started under the work dir outlives the test
    const left = execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes(dir) && !l.includes('ps -eo'))
    expect(left).toEqual([])
  })

  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${apps.url}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, json: (await res.json().catch(() => null)) as Record<string, unknown> | null }
  }
  const tasks = async (id: string) =>
    (
      (await call('GET', `/v2/apps${id}/tasks`)).json as {
        tasks: Array<{
          id: string
          state: string
          host: string
          ports: number[]
          healthCheckResults: Array<{ alive: boolean }>
        }>
      }
    ).tasks
  async function until<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + ms
    while (Date.now() < deadline) {
      const v = await check()
      if (v !== undefined) return v
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`${what}: not within ${ms} ms`)
  }
  const pidOf = (text: string) =>
    Number(execFileSync('pgrep', ['-f', text], { encoding: 'utf8' }).trim().split('\n')[0])

  test('bad app JSON is 400, an invalid app 422 with the path, a duplicate id 409', async () => {
    const bad = await fetch(`${apps.url}/v2/apps`, { method: 'POST', body: '{nope' })
    expect(bad.status).toBe(400)
    const invalid = await call('POST', '/v2/apps', { id: '/x', cpus: -1, cmd: 'true' })
    expect(invalid.status).toBe(422)
    expect(JSON.stringify(invalid.json)).toMatch(/\/cpus/)
    expect(
      (await call('POST', '/v2/apps', { id: '/dup', cmd: 'sleep 600', cpus: 0.1, mem: 16, instances: 0 })).status,
    ).toBe(201)
    expect((await call('POST', '/v2/apps', { id: '/dup', cmd: 'sleep 600' })).status).toBe(409)
    expect((await call('DELETE', '/v2/apps/dup')).status).toBe(200)
  })

  test('two instances run with HOST and PORT0; kill -9 of one is replaced after the back-off; scale down kills one', async () => {
    const marker = `km-apps-sleeper-${Date.now()}`
    const created = await call('POST', '/v2/apps', {
      id: '/sleeper',
      cmd: `echo $HOST:$PORT0 > where.txt; sleep 600; echo ${marker}`,
      cpus: 0.1,
      mem: 16,
      instances: 2,
      backoffSeconds: 1,
    })
    expect(created.status).toBe(201)
    const running = await until('2 running', 20_000, async () => {
      const t = await tasks('/sleeper')
      return t.length === 2 && t.every((x) => x.state === 'TASK_RUNNING') ? t : undefined
    })
    expect(running.every((t) => t.host === '127.0.1.7' && t.ports[0] >= 32000 && t.ports[0] <= 32099)).toBe(true)
    expect(new Set(running.map((t) => t.ports[0])).size).toBe(2)

    // pgrep's first match may be either instance: whichever is killed, a task id not seen before must come
    const originals = new Set(running.map((t) => t.id))
    process.kill(pidOf(`echo ${marker}`), 'SIGKILL') // the task's shell
    const replaced = await until('a replacement', 20_000, async () => {
      const t = await tasks('/sleeper')
      return t.length === 2 && t.every((x) => x.state === 'TASK_RUNNING') && t.some((x) => !originals.has(x.id))
        ? t
        : undefined
    })
    expect(replaced).toHaveLength(2)

    expect((await call('PUT', '/v2/apps/sleeper', { instances: 1 })).status).toBe(200)
    await until('scaled to 1', 20_000, async () => ((await tasks('/sleeper')).length === 1 ? true : undefined))
    expect((await call('DELETE', '/v2/apps/sleeper')).status).toBe(200)
    await until('all gone', 20_000, async () =>
      !execFileSync('ps', ['-eo', 'args='], { encoding: 'utf8' }).includes(marker) ? true : undefined,
    )
  })

  test('a task whose HTTP health check keeps failing is killed and replaced', async () => {
    // listens on PORT0 but answers 500: unhealthy
    const server = `require('http').createServer((q, s) => { s.statusCode = 500; s.end() }).listen(process.env.PORT0, process.env.HOST)`
    const created = await call('POST', '/v2/apps', {
      id: '/sick',
      args: [process.execPath, '-e', server],
      cpus: 0.1,
      mem: 32,
      healthChecks: [
        {
          protocol: 'HTTP',
          path: '/',
          portIndex: 0,
          gracePeriodSeconds: 0,
          intervalSeconds: 0.5,
          timeoutSeconds: 1,
          maxConsecutiveFailures: 2,
        },
      ],
      backoffSeconds: 0.5,
    })
    expect(created.status).toBe(201)
    const first = await until('first instance', 20_000, async () =>
      (await tasks('/sick')).find((t) => t.state === 'TASK_RUNNING'),
    )
    const next = await until('replaced after failing checks', 30_000, async () =>
      (await tasks('/sick')).find((t) => t.state === 'TASK_RUNNING' && t.id !== first.id),
    )
    expect(next.id).not.toBe(first.id)
    const app = (await call('GET', '/v2/apps/sick')).json as { app: { tasksUnhealthy: number } }
    expect(app.app).toBeDefined()
    expect((await call('DELETE', '/v2/apps/sick')).status).toBe(200)
  })
})
