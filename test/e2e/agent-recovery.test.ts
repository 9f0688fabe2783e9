/** Agent checkpoint and recovery end to end: kill -9 of an agent while its tasks run. */
/**
 * Agent checkpoint and recovery (Mesos `docs/agent-recovery.md`): an agent process is killed with kill -9 while a
 * checkpointing framework's command tasks run. The tasks' processes survive; the restarted agent
 * (same --work-dir and port) re-registers with the same agent id, the executors re-subscribe, the
 * tasks stay RUNNING and nothing is launched twice. An update the executor could not deliver while
 * the agent was down (a task that finished meanwhile) arrives after the restart. No Kafka involved.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RunningMaster, startMaster } from '../../core-cluster/master/index.js'
import { parseResources } from '../../core-cluster/proto/index.js'
import { TestFramework } from '../support/framework.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const log = pino({ level: 'silent' })
const HOST = '127.0.1.21'

async function freePort(host: string): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, host, r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

/** pids of processes whose command line contains `text` */
function pidsOf(text: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

interface AgentState {
  id?: string
  executors: Array<{ id: string; pid?: number; subscribed: boolean; tasks: Array<{ id: string; state: string }> }>
  pending_updates: number
}

describe('agent recovery after kill -9 (checkpointing framework)', { timeout: 180_000 }, () => {
  let master: RunningMaster
  let agent: ChildProcess | undefined
  let fw: TestFramework
  let workDir: string
  let port: number
  const marker = `km-recovery-${process.pid}-${Date.now()}`
  const logFile = () => join(workDir, 'agent.log')

  function startAgentProcess(): ChildProcess {
    const out = createWriteStream(logFile(), { flags: 'a' })
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/run.js'),
        'agent',
        '--master',
        master.address,
        '--host',
        HOST,
        '--port',
        String(port),
        '--work-dir',
        join(workDir, 'agent'),
        '--resources',
        'cpus:2;mem:1024',
        '--log-level',
        'info',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_ENV: undefined },
      },
    )
    child.stdout!.pipe(out)
    child.stderr!.pipe(out)
    return child
  }

  const agentState = async (): Promise<AgentState | undefined> => {
    try {
      const res = await fetch(`http://${HOST}:${port}/state`, { signal: AbortSignal.timeout(2000) })
      return (await res.json()) as AgentState
    } catch {
      return undefined
    }
  }

  async function until<T>(
    what: string,
    check: () => Promise<T | undefined | false> | T | undefined | false,
    timeoutMs = 30_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const v = await check()
      if (v !== undefined && v !== false) return v
      if (Date.now() > deadline)
        throw new Error(
          `${what}: not within ${timeoutMs} ms; agent log tail:\n${readFileSync(logFile(), 'utf8').split('\n').slice(-25).join('\n')}`,
        )
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  async function kill9Agent(): Promise<void> {
    const a = agent!
    const exited = new Promise((r) => a.once('exit', r))
    a.kill('SIGKILL')
    await exited
    agent = undefined
  }

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'km-recovery-'))
    master = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 200 })
    port = await freePort(HOST)
    agent = startAgentProcess()
    fw = new TestFramework(master.address, { name: 'checkpointing', checkpoint: true, failover_timeout: 3600 }).start()
    await fw.waitFor('SUBSCRIBED', () => fw.frameworkId, 20_000)
  })

  afterAll(async () => {
    await fw?.client.tryCall({ type: 'TEARDOWN' })
    fw?.stop()
    if (agent) {
      const a = agent
      const exited = new Promise((r) => a.once('exit', r))
      a.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
      a.kill('SIGKILL')
    }
    for (const pid of pidsOf(marker)) process.kill(pid, 'SIGKILL')
    await master?.close()
    rmSync(workDir, { recursive: true, force: true })
  })

  test('the task survives, the agent comes back with the same id, the executor re-subscribes, no duplicate launch', async () => {
    const longTask = `long-${marker}`
    const shortTask = `short-${marker}`
    const offer = await fw.nextOffer(30_000)
    await fw.launch(offer, [
      {
        name: 'long',
        task_id: { value: longTask },
        resources: parseResources('cpus:0.2;mem:32'),
        command: { value: `sleep 300; echo ${marker}-long` },
      },
      {
        name: 'short',
        task_id: { value: shortTask },
        resources: parseResources('cpus:0.2;mem:32'),
        command: { value: `sleep 4; echo ${marker}-short` },
      },
    ])
    await fw.waitState(longTask, 'TASK_RUNNING', 30_000)
    await fw.waitState(shortTask, 'TASK_RUNNING', 30_000)
    const before = await until('both executors subscribed, updates acknowledged', async () => {
      const s = await agentState()
      return s && s.executors.length === 2 && s.executors.every((e) => e.subscribed) && s.pending_updates === 0
        ? s
        : undefined
    })
    const agentId = before.id!
    const executorPids = Object.fromEntries(before.executors.map((e) => [e.id, e.pid!]))
    const taskPid = pidsOf(`${marker}-long`)
    expect(taskPid).toHaveLength(1)

    // kill -9 of the agent: executors and tasks run on (own process groups).
    await kill9Agent()
    await until(
      'the master to see the agent gone',
      () => master.master.state().agents.find((a) => a.id === agentId)?.active === false,
    )
    expect(alive(executorPids[longTask])).toBe(true)
    expect(alive(taskPid[0])).toBe(true)
    // the short task ends while the agent is down: its executor keeps TASK_FINISHED for the next agent
    await until('the short task to end while the agent is down', () => pidsOf(`${marker}-short`).length === 0, 20_000)
    expect(fw.updates.some((u) => u.task_id.value === shortTask && u.state === 'TASK_FINISHED')).toBe(false)

    // Restart: same work dir, same port.
    agent = startAgentProcess()
    await until(
      'the agent re-registered with the same id',
      () => master.master.state().agents.find((a) => a.id === agentId)?.active === true,
      30_000,
    )
    expect(master.master.state().agents.filter((a) => a.hostname === HOST)).toHaveLength(1)
    const after = await until('the long task executor re-subscribed', async () => {
      const s = await agentState()
      const e = s?.executors.find((x) => x.id === longTask)
      return s && e?.subscribed ? s : undefined
    })
    expect(after.id).toBe(agentId)
    const recoveryLines = readFileSync(logFile(), 'utf8')
      .split('\n')
      .filter((l) => /recovered|re-registered|re-subscribed/.test(l))
    console.log(
      `agent recovery, from the restarted agent's log:\n${recoveryLines.map((l) => `  ${l.slice(0, 240)}`).join('\n')}`,
    )
    expect(recoveryLines.some((l) => l.includes('recovered a running executor from the checkpoint'))).toBe(true)
    expect(after.executors.find((e) => e.id === longTask)!.pid).toBe(executorPids[longTask])

    // The update made while the agent was down arrives now.
    const finished = await fw.waitState(shortTask, 'TASK_FINISHED', 30_000)
    expect(finished.message).toBe('Command exited with status 0')

    // Still RUNNING, still the same single process, never launched again.
    expect(master.master.state().tasks.find((t) => t.id === longTask)?.state).toBe('TASK_RUNNING')
    expect(pidsOf(`${marker}-long`)).toEqual(taskPid)
    const longStates = fw.updates.filter((u) => u.task_id.value === longTask).map((u) => u.state)
    expect(longStates.filter((s) => s === 'TASK_STARTING')).toHaveLength(1)
    expect(longStates.every((s) => s === 'TASK_STARTING' || s === 'TASK_RUNNING')).toBe(true)

    // The re-subscribed executor still obeys: KILL ends the task.
    await fw.kill(longTask)
    await fw.waitState(longTask, 'TASK_KILLED', 30_000)
    await until('the task process gone', () => !alive(taskPid[0]), 15_000)
    await until('the executor gone', () => !alive(executorPids[longTask]), 15_000)
  })
})
