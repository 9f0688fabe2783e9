/** The compiled CLI in a child process (`node bin/run.js ...`) against a fake scheduler API: output, exit codes and the API lookup order. */
// A real hono server on port 0 answers like the scheduler's REST contract (mesos/kafka's broker JSON,
// src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala; JSON errors `{"error","code"}`
// with HTTP 400).

import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { type ServerType, serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))
const bin = join(root, 'bin', 'run.js')

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the CLI with a clean environment (no KM_API unless given) in `cwd`. */
function run(args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...opts.env }
  if (!opts.env?.KM_API) delete env.KM_API
  delete env.NODE_ENV // oclif treats NODE_ENV=test as development mode (would look for TS sources)
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: opts.cwd, env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

// --- a fake scheduler API --------------------------------------------------------------------

interface FakeBroker {
  id: string
  active: boolean
  cpus: number
  mem: number
  heap: number
  port?: string
  options: string
  jvmOptions: string
  needsRestart: boolean
  stickiness: { period: string; hostname?: string; stopTime?: string }
  failover: { delay: string; maxDelay: string; maxTries?: number; failures: number }
  task?: {
    id: string
    slaveId: string
    executorId: string
    hostname: string
    endpoint: string
    attributes: Record<string, string>
    state: string
  }
  state: string
}

function ids(expr: string): string[] {
  const out: string[] = []
  for (const part of expr.split(',')) {
    const [a, b] = part.split('..').map(Number)
    for (let i = a; i <= (b ?? a); i++) out.push(String(i))
  }
  return out
}

function fakeApi() {
  const brokers = new Map<string, FakeBroker>()
  const requests: Array<{ op: string; form: Record<string, string> }> = []
  const bad = (c: { json: (b: unknown, s: 400) => Response }, error: string, code = 'KM_ERR_VALUE') =>
    c.json({ error, code }, 400)

  const app = new Hono().post('/api/broker/:op', async (c) => {
    const op = c.req.param('op')
    const form = Object.fromEntries(new URLSearchParams(await c.req.text()))
    requests.push({ op, form })
    const expr = form.broker ?? '*'
    const selected = expr === '*' ? [...brokers.keys()] : ids(expr)
    switch (op) {
      case 'add': {
        if (form.cpus !== undefined && !/^\d+(\.\d+)?$/.test(form.cpus))
          return bad(c, `cpus: invalid number "${form.cpus}"`)
        for (const id of selected) if (brokers.has(id)) return bad(c, `Broker ${id} already exists`, 'KM_ERR_EXISTS')
        for (const id of selected) {
          brokers.set(id, {
            id,
            active: false,
            cpus: Number(form.cpus ?? 1),
            mem: Number(form.mem ?? 2048),
            heap: Number(form.heap ?? 1024),
            port: form.port || undefined,
            options: form.options ?? '',
            jvmOptions: form.jvmOptions ?? '',
            needsRestart: false,
            stickiness: { period: form.stickinessPeriod ?? '10m' },
            failover: { delay: '1m', maxDelay: '10m', failures: 0 },
            state: 'stopped',
          })
        }
        return c.json({ brokers: selected.map((id) => brokers.get(id)) })
      }
      case 'update': {
        for (const id of selected) {
          const b = brokers.get(id)
          if (!b) return bad(c, `Broker ${id} not found`, 'KM_ERR_NOT_FOUND')
          if (form.mem !== undefined) b.mem = Number(form.mem)
          if (b.active) b.needsRestart = true
        }
        return c.json({ brokers: selected.map((id) => brokers.get(id)) })
      }
      case 'list':
        return c.json({ brokers: selected.filter((id) => brokers.has(id)).map((id) => brokers.get(id)) })
      case 'remove':
        for (const id of selected) brokers.delete(id)
        return c.json({ ids: selected })
      case 'start':
      case 'stop': {
        if (form.timeout === '1ms') return c.json({ status: 'timeout', brokers: selected.map((id) => brokers.get(id)) })
        for (const id of selected) {
          const b = brokers.get(id)
          if (!b) return bad(c, `broker ${id} not found`, 'KM_ERR_NOT_FOUND')
          b.active = op === 'start'
          b.state = op === 'start' ? 'running' : 'stopped'
          b.task =
            op === 'start'
              ? {
                  id: `kafka-${id}-00000000-0000-4000-8000-000000000000`,
                  slaveId: 'S0',
                  executorId: `kafka-${id}-00000000-0000-4000-8000-000000000000`,
                  hostname: '127.0.1.1',
                  endpoint: `127.0.1.1:3100${id}`,
                  attributes: { rack: 'r1' },
                  state: 'running',
                }
              : undefined
        }
        const status =
          form.timeout === '0' || form.timeout === '0s' ? 'scheduled' : op === 'start' ? 'started' : 'stopped'
        return c.json({ status, brokers: selected.map((id) => brokers.get(id)) })
      }
      default:
        return c.json({ error: `unknown operation ${op}`, code: 'KM_ERR_NOT_FOUND' }, 404)
    }
  })
  return { app, brokers, requests }
}

// ---------------------------------------------------------------------------------------------

let server: ServerType
let api: string
let fake: ReturnType<typeof fakeApi>
let cwd: string

beforeAll(async () => {
  // Compile the tree (tsc still emits when files of other components have type errors).
  await new Promise<void>((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')],
      { cwd: root },
      () => resolve(),
    )
  })
  if (!existsSync(join(root, 'dist/cli/commands/broker/add.js')))
    throw new Error('tsc did not emit dist/cli/commands/broker/add.js')

  fake = fakeApi()
  await new Promise<void>((resolve) => {
    server = serve({ fetch: fake.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve())
  })
  api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  cwd = mkdtempSync(join(tmpdir(), 'km-cli-'))
}, 180_000)

afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()))
  if (cwd) rmSync(cwd, { recursive: true, force: true })
})

beforeEach(() => {
  fake.brokers.clear()
  fake.requests.length = 0
})

describe('kafka-mesos broker commands (compiled, child process)', () => {
  test('add 0 --cpus abc: the server answers 400, the CLI prints "Error: <server message>" and exits 1', async () => {
    const r = await run(['broker', 'add', '0', '--cpus', 'abc', '--api', api], { cwd })
    expect(r.stderr).toBe('Error: cpus: invalid number "abc"\n')
    expect(r.stdout).toBe('')
    expect(r.code).toBe(1)
  })

  test('the same error with --json prints the error JSON and exits 1', async () => {
    const r = await run(['broker', 'add', '0', '--cpus', 'abc', '--api', api, '--json'], { cwd })
    expect(JSON.parse(r.stdout)).toEqual({ error: 'cpus: invalid number "abc"', code: 'KM_ERR_VALUE' })
    expect(r.code).toBe(1)
  })

  test('top-level alias: add 0..2 --cpus 0.5 sends form params and prints "brokers added:"', async () => {
    const r = await run(
      ['add', '0..2', '--cpus', '0.5', '--mem', '768', '--heap', '256', '--jvm-options', '-Xss1m', '--api', api],
      { cwd },
    )
    expect(r.code).toBe(0)
    expect(fake.requests[0]).toEqual({
      op: 'add',
      form: { broker: '0..2', cpus: '0.5', mem: '768', heap: '256', jvmOptions: '-Xss1m' },
    })
    expect(r.stdout.split('\n').slice(0, 9)).toEqual([
      'brokers added:',
      '  id: 0',
      '  active: false',
      '  state: stopped',
      '  resources: cpus:0.50, mem:768, heap:256, port:auto',
      '  jvm-options: -Xss1m',
      '  failover: delay:1m, max-delay:10m',
      '  stickiness: period:10m',
      '',
    ])
    expect(r.stdout.match(/^ {2}id: /gm)).toHaveLength(3)
  })

  test('--json prints the server JSON', async () => {
    await run(['add', '0', '--api', api], { cwd })
    const r = await run(['broker', 'list', '--json', '--api', api], { cwd })
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout)).toEqual({ brokers: [fake.brokers.get('0')] })
  })

  test('list: human output of a running broker (and the list/start aliases)', async () => {
    await run(
      ['add', '0', '--cpus', '0.5', '--mem', '768', '--heap', '256', '--options', 'num.io.threads=4', '--api', api],
      { cwd },
    )
    const started = await run(['start', '0', '--api', api], { cwd })
    expect(started.code).toBe(0)
    expect(started.stdout.split('\n')[0]).toBe('broker started:')
    await run(['update', '0', '--mem', '1024', '--api', api], { cwd })
    const r = await run(['list', '--api', api], { cwd })
    expect(r.code).toBe(0)
    expect(fake.requests.at(-1)).toEqual({ op: 'list', form: { broker: '*' } })
    expect(r.stdout).toBe(
      [
        'broker:',
        '  id: 0',
        '  active: true',
        '  state: running (modified, needs restart)',
        '  resources: cpus:0.50, mem:1024, heap:256, port:auto',
        '  options: num.io.threads=4',
        '  failover: delay:1m, max-delay:10m',
        '  stickiness: period:10m',
        '  task:',
        '    id: kafka-0-00000000-0000-4000-8000-000000000000',
        '    state: running',
        '    endpoint: 127.0.1.1:31000',
        '    attributes: rack=r1',
        '',
        '',
      ].join('\n'),
    )
    const quiet = await run(['broker', 'list', '0', '--quiet', '--api', api], { cwd })
    expect(quiet.stdout).not.toContain('options:')
  })

  test('stop --force --timeout 0 sends force=true and timeout=0; remove prints "brokers 0,1 removed"', async () => {
    await run(['add', '0,1', '--api', api], { cwd })
    const s = await run(['stop', '0,1', '--force', '--timeout', '0', '--api', api], { cwd })
    expect(fake.requests.at(-1)).toEqual({ op: 'stop', form: { broker: '0,1', force: 'true', timeout: '0' } })
    expect(s.stdout.split('\n')[0]).toBe('brokers scheduled to stop:')
    const r = await run(['remove', '0..1', '--api', api], { cwd })
    expect(r.stdout).toBe('brokers 0,1 removed\n')
    expect(r.code).toBe(0)
  })

  test('start timeout: "Error: brokers start timeout", exit 1; start without --timeout sends none', async () => {
    await run(['add', '0,1', '--api', api], { cwd })
    const r = await run(['broker', 'start', '0,1', '--timeout', '1ms', '--api', api], { cwd })
    expect(r.stderr).toBe('Error: brokers start timeout\n')
    expect(r.code).toBe(1)
    await run(['broker', 'start', '0', '--api', api], { cwd })
    expect(fake.requests.at(-1)).toEqual({ op: 'start', form: { broker: '0' } })
  })

  test('--options file:server.properties is read locally and sent as an escaped k=v map', async () => {
    writeFileSync(join(cwd, 'server.properties'), '# kafka\nlog.retention.hours=24\nlog.dirs=/a,/b\n')
    const r = await run(['broker', 'add', '7', '--options', 'file:server.properties', '--api', api], { cwd })
    expect(r.code).toBe(0)
    expect(fake.requests.at(-1)?.form.options).toBe('log.retention.hours=24,log.dirs=/a\\,/b')
    const missing = await run(['broker', 'add', '8', '--options', 'file:nope.properties', '--api', api], { cwd })
    expect(missing.stderr).toBe('Error: --options: cannot read file "nope.properties": ENOENT\n')
    expect(missing.code).toBe(1)
  })

  describe('api resolution order: --api > KM_API > api= in ./kafka-mesos.properties', () => {
    let propsDir: string
    let closed: string // a URL where nothing listens
    beforeAll(async () => {
      const port = await new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const { port } = s.address() as AddressInfo
          s.close(() => resolve(port))
        })
      })
      closed = `http://127.0.0.1:${port}`
      propsDir = mkdtempSync(join(tmpdir(), 'km-cli-props-'))
      writeFileSync(join(propsDir, 'kafka-mesos.properties'), `api=${api}\n`)
    })
    afterAll(() => rmSync(propsDir, { recursive: true, force: true }))

    test('properties file alone works', async () => {
      const r = await run(['list'], { cwd: propsDir })
      expect(r).toMatchObject({ code: 0, stdout: 'no brokers\n' })
    })

    test('KM_API beats the properties file', async () => {
      const r = await run(['list'], { cwd: propsDir, env: { KM_API: closed } })
      expect(r.stderr).toBe(`Error: cannot reach the scheduler API at ${closed}: ECONNREFUSED\n`)
      expect(r.code).toBe(1)
    })

    test('--api beats KM_API', async () => {
      const r = await run(['list', '--api', api], { cwd: propsDir, env: { KM_API: closed } })
      expect(r).toMatchObject({ code: 0, stdout: 'no brokers\n' })
    })

    test('nothing set: the documented error', async () => {
      const r = await run(['list'], { cwd })
      expect(r.stderr).toBe('Error: Undefined api. Provide --api, KM_API or api= in ./kafka-mesos.properties\n')
      expect(r.code).toBe(1)
    })
  })
})
