/** A framework nobody here wrote (npm mesos-framework) runs a command task on our master and agent. */
/**
 * A framework nobody here wrote: the npm package `mesos-framework` (0.5.3, tobilg) runs a `sleep 30`
 * command task on our master and agent: SUBSCRIBE → OFFERS → ACCEPT/LAUNCH → UPDATE TASK_RUNNING →
 * ACKNOWLEDGE → KILL → TASK_KILLED, then TEARDOWN. No Kafka involved.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { groupAlive, type RunningAgent, startAgent } from '../../core-cluster/agent/index.js'
import { type RunningMaster, startMaster } from '../../core-cluster/master/index.js'
import { parseResources, type scheduler } from '../../core-cluster/proto/index.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const log = pino({ level: 'silent' })

type Ev = { ev: string; [k: string]: unknown }

describe('mesos-framework 0.5.3 on our master', { timeout: 120_000 }, () => {
  let master: RunningMaster
  let agent: RunningAgent
  let child: ChildProcess
  let cwd: string
  let workDir: string
  const events: Ev[] = []
  const calls: string[] = []
  const stderr: string[] = []

  const waitEv = async (what: string, pred: (e: Ev) => boolean, timeoutMs = 30_000): Promise<Ev> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const e = events.find(pred)
      if (e) return e
      if (Date.now() > deadline)
        throw new Error(
          `no ${what} within ${timeoutMs} ms; framework saw: ${events.map((x) => x.ev + (x.state ? `:${x.state}` : '')).join(', ')}; stderr: ${stderr.join('').slice(-2000)}`,
        )
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'km-mesos-framework-'))
    workDir = mkdtempSync(join(tmpdir(), 'km-mf-agent-'))
    master = await startMaster({ host: '127.0.0.1', port: 0, logger: log })
    // Record every call the master handled, as it saw them.
    const m = master.master
    const handle = m.handleCall.bind(m)
    m.handleCall = (fw, call: scheduler.Call) => {
      calls.push(call.type ?? 'UNKNOWN')
      return handle(fw, call)
    }
    const subscribe = m.subscribe.bind(m)
    m.subscribe = (...args: Parameters<typeof m.subscribe>) => {
      calls.push('SUBSCRIBE')
      return subscribe(...args)
    }
    agent = await startAgent({
      master: master.address,
      host: '127.0.1.1',
      port: 0,
      resources: parseResources('cpus:2;mem:1024;disk:1024;ports:[31000-31099]'),
      attributes: [],
      workDir,
      logger: log,
    })
    await agent.agent.registered
    const [host, port] = master.address.split(':')
    child = spawn(process.execPath, [join(ROOT, 'test/e2e/fixtures/mesos-framework-driver.cjs')], {
      cwd,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MF_MODULE: join(ROOT, 'node_modules/mesos-framework'),
        MF_MASTER_HOST: host,
        MF_MASTER_PORT: port,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        events.push(JSON.parse(line) as Ev)
      } catch {
        stderr.push(`stdout: ${line}\n`)
      }
    })
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()))
  })

  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.stdin?.write('exit\n')
      await new Promise((r) => setTimeout(r, 200))
      child.kill('SIGKILL')
    }
    await agent?.close()
    await master?.close()
    rmSync(cwd, { recursive: true, force: true })
    rmSync(workDir, { recursive: true, force: true })
  })

  test('SUBSCRIBE → OFFERS → ACCEPT/LAUNCH → TASK_RUNNING → ACKNOWLEDGE → KILL → TASK_KILLED → TEARDOWN', async () => {
    // SUBSCRIBE: the library got a framework id and our Mesos-Stream-Id.
    const sub = await waitEv('subscribed', (e) => e.ev === 'subscribed')
    expect(sub.frameworkId).toMatch(new RegExp(`^${master.master.ids.masterId}-\\d{4}$`))
    expect(sub.streamId).toMatch(/^[0-9a-f-]{36}$/)
    await waitEv('a heartbeat', (e) => e.ev === 'heartbeat')
    const fwState = master.master.state().frameworks.find((f) => f.id === sub.frameworkId)
    expect(fwState).toMatchObject({
      name: 'mesos-framework-compat',
      connected: true,
      role: '*',
      failover_timeout: 604800,
    })

    // OFFERS with url.address.ip, then ACCEPT with a LAUNCH of the command task.
    const offers = await waitEv('offers', (e) => e.ev === 'offers')
    expect((offers.offers as Array<{ ip: string }>)[0].ip).toBe('127.0.1.1')
    await waitEv('the ACCEPT answered 202', (e) => e.ev === 'sent_accept')

    // UPDATEs: TASK_STARTING, TASK_RUNNING, each acknowledged (with a uuid).
    const running = await waitEv('TASK_RUNNING', (e) => e.ev === 'update' && e.state === 'TASK_RUNNING')
    const taskId = running.taskId as string
    expect(taskId).toMatch(/^mesos-framework-compat\.sleep-1\./)
    expect(running.uuid).toBe(true)
    expect(running.agentId).toBe(agent.agent.id)
    await waitEv('an ACKNOWLEDGE answered 202', (e) => e.ev === 'sent_acknowledge')
    const task = master.master.state().tasks.find((t) => t.id === taskId)
    expect(task).toMatchObject({ state: 'TASK_RUNNING', framework_id: sub.frameworkId, agent_id: agent.agent.id })
    // the task really runs `sleep 30` in its own process group, under the command executor
    const exec = agent.agent.state().executors.find((x) => x.id === taskId)
    expect(exec).toBeDefined()
    expect(exec!.pid).toBeGreaterThan(0)
    // the status update manager got the ACKs: nothing of the task is pending
    await waitEv('acks of both updates', () => agent.agent.state().pending_updates === 0, 15_000)

    // KILL → TASK_KILLED (acknowledged too), the process group gone, resources back.
    child.stdin!.write(`kill ${taskId} ${agent.agent.id}\n`)
    await waitEv('the KILL answered 202', (e) => e.ev === 'sent_kill')
    const killed = await waitEv(
      'TASK_KILLED',
      (e) => e.ev === 'update' && e.taskId === taskId && e.state === 'TASK_KILLED',
    )
    expect(killed.uuid).toBe(true)
    await waitEv(
      'the task gone from the master',
      () => !master.master.state().tasks.some((t) => t.id === taskId),
      15_000,
    )
    await waitEv(
      'the executor gone from the agent',
      () => !agent.agent.state().executors.some((x) => x.id === taskId),
      15_000,
    )
    expect(groupAlive(exec!.pid!)).toBe(false)

    // Nothing pending: the library declines what it is offered from now on.
    await waitEv('a DECLINE answered 202', (e) => e.ev === 'sent_decline', 30_000)

    const beforeTeardown = events.length
    child.stdin!.write('teardown\n')
    await waitEv('the TEARDOWN answered 202', (e) => e.ev === 'sent_teardown')
    await waitEv(
      'the framework removed',
      () => !master.master.state().frameworks.some((f) => f.id === sub.frameworkId),
      10_000,
    )

    // What the master saw, in order (DECLINEs and ACKNOWLEDGEs may interleave).
    const firsts = ['SUBSCRIBE', 'ACCEPT', 'ACKNOWLEDGE', 'KILL', 'TEARDOWN'].map((t) => calls.indexOf(t))
    expect(firsts.every((i) => i >= 0)).toBe(true)
    expect([...firsts].sort((a, b) => a - b)).toEqual(firsts)
    expect(calls.filter((c) => c === 'ACKNOWLEDGE').length).toBeGreaterThanOrEqual(3) // STARTING, RUNNING, KILLED
    const states = events.filter((e) => e.ev === 'update' && e.taskId === taskId).map((e) => e.state)
    expect(states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_KILLED'])
    // No error before TEARDOWN (after it the master closes the stream, which the library reports as an error).
    expect(events.slice(0, beforeTeardown).filter((e) => e.ev === 'error' || e.ev === 'crash')).toEqual([])
    expect(events.some((e) => e.ev === 'crash')).toBe(false)
  })
})
