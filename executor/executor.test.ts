/** The bundled executor against a fake agent and a real Kafka controller: launch, re-subscribe, kill, failure. */
/**
 * The bundled executor (`node dist/executor/kafka-mesos-executor.cjs`) against a fake agent speaking the
 * v1 executor API (Mesos `docs/executor-http-api.md`) and a REAL Kafka 4.4.0 controller: LAUNCH → STARTING → RUNNING,
 * re-subscription with unacknowledged updates/tasks after the stream drops, KILL → KILLING → KILLED,
 * and a Kafka that exits → TASK_FAILED with its error. Heaps 256 MB; every wait is bounded.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeTaskData, type KafkaTaskDataInput, newClusterId } from '../contract/index.js'
import { encodeRecord } from '../core-cluster/http/index.js'
import type { executor, TaskInfo, TaskStatus } from '../core-cluster/proto/index.js'
import { acquireKafkaTestLock } from './kafka-test-lock.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const KAFKA_DIR = path.join(ROOT, '.cache', 'kafka', 'kafka_2.13-4.4.0')
const BUNDLE = path.join(ROOT, 'dist', 'executor', 'kafka-mesos-executor.cjs')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

async function until<T>(what: string, ms: number, f: () => T | undefined): Promise<T> {
  const t0 = Date.now()
  for (;;) {
    const v = f()
    if (v !== undefined && v !== false) return v
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** A fake agent: one executor, records calls, ACKs updates unless told to hold them. */
class FakeAgent {
  server = http.createServer((req, res) => this.handle(req, res))
  port = 0
  subscribes: executor.Call[] = []
  updates: TaskStatus[] = []
  stream: http.ServerResponse | undefined
  holdAcks = false
  onSubscribe: (first: boolean) => void = () => {}

  async listen(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()))
    this.port = (this.server.address() as net.AddressInfo).port
  }
  send(ev: executor.Event): void {
    this.stream?.write(encodeRecord(JSON.stringify(ev)))
  }
  states(): string[] {
    return this.updates.map((u) => u.state)
  }
  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as executor.Call
      if (call.type === 'SUBSCRIBE') {
        this.subscribes.push(call)
        res.writeHead(200, { 'Content-Type': 'application/json' })
        this.stream = res
        this.send({
          type: 'SUBSCRIBED',
          subscribed: {
            executor_info: { executor_id: call.executor_id },
            framework_info: { user: 'u', name: 'f' },
            agent_info: { hostname: '127.0.0.1' },
          },
        })
        // Replay unacknowledged updates like the agent does, then ACK them.
        for (const u of call.subscribe?.unacknowledged_updates ?? [])
          if (!this.holdAcks)
            this.send({
              type: 'ACKNOWLEDGED',
              acknowledged: { task_id: u.status.task_id, uuid: u.status.uuid as string },
            })
        this.onSubscribe(this.subscribes.length === 1)
        return
      }
      if (call.type === 'UPDATE' && call.update) {
        this.updates.push(call.update.status)
        res.writeHead(202).end()
        if (!this.holdAcks)
          this.send({
            type: 'ACKNOWLEDGED',
            acknowledged: { task_id: call.update.status.task_id, uuid: call.update.status.uuid as string },
          })
        return
      }
      res.writeHead(202).end()
    })
  }
}

describe('bundled executor with a fake agent and real Kafka', { timeout: 240_000 }, () => {
  let tmp: string
  const children: ChildProcess[] = []
  const agents: FakeAgent[] = []

  let releaseLock: (() => void) | undefined

  beforeAll(async () => {
    releaseLock = await acquireKafkaTestLock()
    if (!existsSync(path.join(KAFKA_DIR, 'libs')))
      execFileSync('bash', [path.join(ROOT, 'scripts/kafka/assemble.sh')], { stdio: 'inherit', timeout: 600_000 })
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/bundle-executor.mjs')], {
      cwd: ROOT,
      stdio: 'inherit',
      timeout: 120_000,
    })
    tmp = mkdtempSync(path.join(os.tmpdir(), 'km-executor-'))
  }, 1_320_000)

  afterAll(async () => {
    for (const c of children)
      if (c.exitCode === null && c.signalCode === null && c.pid)
        try {
          process.kill(-c.pid, 'SIGKILL')
        } catch {
          /* gone */
        }
    for (const a of agents) a.server.close()
    const left = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => tmp && l.includes('java') && l.includes(tmp))
    for (const l of left)
      try {
        process.kill(Number(l.trim().split(/\s+/)[0]), 'SIGKILL')
      } catch {
        /* gone */
      }
    if (tmp && !process.env.KM_KEEP_TMP) rmSync(tmp, { recursive: true, force: true })
    releaseLock?.()
  }, 30_000)

  async function setup(
    name: string,
    data: Omit<KafkaTaskDataInput, 'clusterId' | 'host' | 'quorum'> & {
      port: number
      clusterId?: string
      quorum?: string
    },
  ) {
    const agent = new FakeAgent()
    agents.push(agent)
    await agent.listen()
    const sandbox = path.join(tmp, name, 'sandbox')
    const dataRoot = path.join(tmp, name, 'data')
    mkdirSync(sandbox, { recursive: true })
    symlinkSync(KAFKA_DIR, path.join(sandbox, 'kafka_2.13-4.4.0'))
    const task: TaskInfo = {
      name: `kafka-${name}`,
      task_id: { value: `task-${name}` },
      agent_id: { value: 'a1' },
      data: encodeTaskData({
        clusterId: newClusterId(),
        host: '127.0.0.1',
        quorum: `127.0.0.1:${data.port}`,
        internalTopicRf: 1,
        ...data,
      }),
    }
    agent.onSubscribe = (first) => {
      if (first) agent.send({ type: 'LAUNCH', launch: { task } })
    }
    const child = spawn(process.execPath, [BUNDLE], {
      cwd: sandbox,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MESOS_AGENT_ENDPOINT: `127.0.0.1:${agent.port}`,
        MESOS_FRAMEWORK_ID: 'fw-1',
        MESOS_EXECUTOR_ID: `ex-${name}`,
        MESOS_SANDBOX: sandbox,
        MESOS_DIRECTORY: sandbox,
        MESOS_CHECKPOINT: '1',
        MESOS_SUBSCRIPTION_BACKOFF_MAX: '500ms',
        MESOS_RECOVERY_TIMEOUT: '30secs',
        MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '10secs',
        KM_DATA_DIR: dataRoot,
      },
    })
    children.push(child)
    let stderr = ''
    child.stderr?.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-20_000)
    })
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)))
    return { agent, task, child, exited, stderr: () => stderr, dataRoot }
  }

  it('runs a controller and a broker: STARTING → RUNNING, re-subscribes with unacked updates, stop → KILLED, KILL → KILLED', async () => {
    const port = await freePort()
    const s = await setup('ctrl', { role: 'controller', nodeId: 100, port, format: 'standalone', heapMb: 256 })
    s.agent.holdAcks = true // keep TASK_STARTING and TASK_RUNNING unacknowledged
    await until('TASK_STARTING', 30_000, () => s.agent.states().includes('TASK_STARTING'))
    const running = await until('TASK_RUNNING', 120_000, () =>
      s.agent.updates.find((u) => u.state === 'TASK_RUNNING'),
    ).catch((e) => {
      throw new Error(`${e.message}\n${s.stderr()}`)
    })
    expect(Buffer.from(running.data as string, 'base64').toString()).toBe(`127.0.0.1:${port}`)
    expect(running.source).toBe('SOURCE_EXECUTOR')
    expect(running.executor_id?.value).toBe('ex-ctrl')
    expect(running.uuid && Buffer.from(running.uuid, 'base64').length).toBe(16)
    expect(Math.abs((running.timestamp as number) - Date.now() / 1000)).toBeLessThan(120)
    expect(existsSync(path.join(s.dataRoot, 'kafka-controller-100', 'meta.properties'))).toBe(true)

    // Drop the stream: a checkpointing executor re-subscribes, listing what is not acknowledged.
    s.agent.holdAcks = false
    s.agent.stream?.destroy()
    await until('re-SUBSCRIBE', 20_000, () => s.agent.subscribes.length >= 2)
    const again = s.agent.subscribes[1].subscribe
    expect(again?.unacknowledged_updates?.map((u) => u.status.state)).toEqual(['TASK_STARTING', 'TASK_RUNNING'])
    expect(again?.unacknowledged_updates?.map((u) => u.status.uuid)).toContain(running.uuid)
    expect(again?.unacknowledged_tasks?.map((t) => t.task_id.value)).toEqual(['task-ctrl'])

    // A broker in the same cluster: readiness through kafkajs inside the bundle.
    const clusterId = JSON.parse(Buffer.from(s.task.data as string, 'base64').toString()).clusterId as string
    const bport = await freePort()
    const b = await setup('broker', {
      role: 'broker',
      nodeId: 0,
      port: bport,
      format: 'no-initial-controllers',
      heapMb: 256,
      clusterId,
      quorum: `127.0.0.1:${port}`,
    })
    const bRunning = await until('broker TASK_RUNNING', 120_000, () =>
      b.agent.updates.find((u) => u.state === 'TASK_RUNNING'),
    ).catch((e) => {
      throw new Error(`${e.message}\n${b.stderr()}`)
    })
    expect(Buffer.from(bRunning.data as string, 'base64').toString()).toBe(`127.0.0.1:${bport}`)
    expect(b.stderr()).toMatch(/Kafka is ready/)
    // Brokers stop before controllers (a broker's controlled shutdown needs them); framework message 'stop' = SIGKILL.
    b.agent.send({ type: 'MESSAGE', message: { data: Buffer.from('stop').toString('base64') } })
    expect(
      await Promise.race([
        b.exited,
        new Promise<never>((_, rej) =>
          setTimeout(() => rej(new Error(`broker executor did not exit\n${b.stderr()}`)), 30_000),
        ),
      ]),
    ).toBe(0)
    expect(b.agent.states()).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED'])

    s.agent.send({
      type: 'KILL',
      kill: { task_id: { value: 'task-ctrl' }, kill_policy: { grace_period: { nanoseconds: 30e9 } } },
    })
    const code = await Promise.race([
      s.exited,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`executor did not exit\n${s.stderr()}`)), 60_000)),
    ])
    expect(code).toBe(0)
    expect(s.agent.states().slice(-2)).toEqual(['TASK_KILLING', 'TASK_KILLED'])
    expect(s.stderr()).toMatch(/SIGTERM/)
  })

  it("reports TASK_FAILED with Kafka's error when the JVM exits", async () => {
    const s = await setup('bad', {
      role: 'controller',
      nodeId: 101,
      port: await freePort(),
      format: 'standalone',
      heapMb: 256,
      options: { 'num.network.threads': 'lots' },
    })
    const code = await Promise.race([
      s.exited,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`executor did not exit\n${s.stderr()}`)), 90_000)),
    ])
    expect(code).toBe(1)
    const failed = s.agent.updates.find((u) => u.state === 'TASK_FAILED')
    expect(failed?.message ?? '').toMatch(
      /^(Kafka exited with code \d+|kafka-storage format failed with code \d+): .*(num.network.threads|lots)/,
    )
  })

  it('names the cause and the fix when the log cleaner cannot get its buffer (issue 19: heap 128 with the 128 MiB default)', async () => {
    const s = await setup('cleaner-oom', {
      role: 'broker,controller',
      nodeId: 102,
      port: await freePort(),
      controllerPort: await freePort(),
      format: 'standalone',
      heapMb: 128,
      options: { 'log.cleaner.dedupe.buffer.size': '134217728' },
    })
    const code = await Promise.race([
      s.exited,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error(`executor did not exit\n${s.stderr()}`)), 90_000)),
    ])
    expect(code).toBe(1)
    const failed = s.agent.updates.find((u) => u.state === 'TASK_FAILED')
    expect(failed?.message).toBe(
      'Kafka exited with code 1: OutOfMemoryError in the log cleaner (Java heap space): raise --heap or set log.cleaner.dedupe.buffer.size',
    )
  })
})
