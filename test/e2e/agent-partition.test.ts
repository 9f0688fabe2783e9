/** A network partition between the master and an agent, end to end in network namespaces. */
/**
 * A network partition between the master and an agent (Mesos `docs/high-availability-framework-guide.md`, "Dealing with Partitioned or Failed Agents"; issue 8): the agent runs
 * in its own network namespace (`ip netns`, a veth pair to the root namespace, 10.x addresses); the
 * master runs on the root side with a short health check (500 ms × 4). Two frameworks, one
 * PARTITION_AWARE and one not, each run a long command task on the agent. Then the root end of the
 * veth goes down (nothing gets through, nobody is told):
 *  - the master marks the agent unreachable: TASK_UNREACHABLE for the partition-aware framework,
 *    TASK_LOST for the other, both REASON_AGENT_REMOVED; /state lists the agent as unreachable;
 *  - the agent, pinged no more, drops its link and keeps trying to register.
 * Heal (link up): the agent re-registers with the same id; the partition-aware task is RUNNING
 * again (REASON_AGENT_REREGISTERED) and its process never stopped; the other framework's task is
 * shut down on the agent. Needs root (`ip netns`); skipped otherwise. No Kafka involved.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RunningMaster, startMaster } from '../../core-cluster/master/index.js'
import { parseResources, type TaskStatus } from '../../core-cluster/proto/index.js'
import { TestFramework } from '../support/framework.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const log = pino({ level: 'silent' })
const PING_MS = 500
const MAX_PINGS = 4

// Unique per run: names of at most 15 characters, a /24 of its own.
const tag = `kmp${process.pid}`
const NS = `${tag}n`
const VETH_ROOT = `${tag}a`
const VETH_NS = `${tag}b`
const NET = `10.203.${(process.pid % 200) + 20}`
const MASTER_IP = `${NET}.1`
const AGENT_IP = `${NET}.2`
const AGENT_PORT = 5051

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })

function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false
  try {
    ip('netns', 'list')
    return true
  } catch {
    return false
  }
}

interface AgentState {
  id?: string
  executors: Array<{
    id: string
    framework_id: string
    pid?: number
    subscribed: boolean
    tasks: Array<{ id: string; state: string }>
  }>
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe.skipIf(!netnsAvailable())('network partition of an agent (ip netns)', { timeout: 120_000 }, () => {
  let master: RunningMaster
  let agent: ChildProcess | undefined
  let aware: TestFramework
  let plain: TestFramework
  let workDir: string
  const logFile = () => join(workDir, 'agent.log')

  const agentState = async (): Promise<AgentState | undefined> => {
    try {
      const res = await fetch(`http://${AGENT_IP}:${AGENT_PORT}/state`, { signal: AbortSignal.timeout(1000) })
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
          `${what}: not within ${timeoutMs} ms; agent log tail:\n${readFileSync(logFile(), 'utf8').split('\n').slice(-20).join('\n')}`,
        )
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  function cleanupNetwork(): void {
    for (const args of [
      ['link', 'del', VETH_ROOT],
      ['netns', 'del', NS],
    ]) {
      try {
        ip(...args)
      } catch {
        // already gone
      }
    }
  }

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'km-partition-'))
    cleanupNetwork()
    ip('netns', 'add', NS)
    ip('link', 'add', VETH_ROOT, 'type', 'veth', 'peer', 'name', VETH_NS)
    ip('link', 'set', VETH_NS, 'netns', NS)
    ip('addr', 'add', `${MASTER_IP}/24`, 'dev', VETH_ROOT)
    ip('link', 'set', VETH_ROOT, 'up')
    ip('netns', 'exec', NS, 'ip', 'addr', 'add', `${AGENT_IP}/24`, 'dev', VETH_NS)
    ip('netns', 'exec', NS, 'ip', 'link', 'set', VETH_NS, 'up')
    ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up')

    master = await startMaster({
      host: MASTER_IP,
      port: 0,
      logger: log,
      allocationIntervalMs: 200,
      agentPingTimeoutMs: PING_MS,
      maxAgentPingTimeouts: MAX_PINGS,
    })
    const out = createWriteStream(logFile(), { flags: 'a' })
    agent = spawn(
      'ip',
      [
        'netns',
        'exec',
        NS,
        process.execPath,
        join(ROOT, 'bin/run.js'),
        'agent',
        '--master',
        master.address,
        '--host',
        AGENT_IP,
        '--port',
        String(AGENT_PORT),
        '--work-dir',
        join(workDir, 'agent'),
        '--resources',
        'cpus:2;mem:1024',
        '--log-level',
        'info',
        // a 10.x address without --auth-file: this test is about partitions, so the agent's reads stay open
        '--insecure',
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, NODE_ENV: undefined },
      },
    )
    agent.stdout!.pipe(out)
    agent.stderr!.pipe(out)
    aware = new TestFramework(master.address, {
      name: 'partition-aware',
      checkpoint: true,
      capabilities: [{ type: 'PARTITION_AWARE' }],
    }).start()
    plain = new TestFramework(master.address, { name: 'not-partition-aware', checkpoint: true }).start()
    await aware.waitFor('SUBSCRIBED', () => aware.frameworkId, 20_000)
    await plain.waitFor('SUBSCRIBED', () => plain.frameworkId, 20_000)
  })

  afterAll(async () => {
    try {
      ip('link', 'set', VETH_ROOT, 'up')
    } catch {
      // not there
    }
    for (const fw of [aware, plain]) {
      await fw?.client.tryCall({ type: 'TEARDOWN' })
      fw?.stop()
    }
    const state = await agentState()
    if (agent && agent.exitCode === null) {
      const a = agent
      const exited = new Promise((r) => a.once('exit', r))
      a.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))])
      if (a.exitCode === null) a.kill('SIGKILL')
    }
    for (const e of state?.executors ?? []) if (e.pid && alive(e.pid)) process.kill(-e.pid, 'SIGKILL')
    await master?.close()
    cleanupNetwork()
    rmSync(workDir, { recursive: true, force: true })
  })

  test('partition: TASK_UNREACHABLE / TASK_LOST; heal: the agent is back, the partition-aware task RUNNING, the other shut down', async () => {
    // one long task per framework on the agent
    for (const [fw, id] of [
      [aware, 'aware-sleep'],
      [plain, 'plain-sleep'],
    ] as const) {
      const offer = await fw.nextOffer(30_000)
      expect(offer.hostname).toBe(AGENT_IP)
      await fw.launch(offer, [
        {
          name: id,
          task_id: { value: id },
          resources: parseResources('cpus:0.2;mem:32'),
          command: { value: 'sleep 600' },
        },
      ])
      await fw.waitState(id, 'TASK_RUNNING', 30_000)
    }
    const before = await until('both executors subscribed', async () => {
      const s = await agentState()
      return s && s.executors.length === 2 && s.executors.every((e) => e.subscribed && e.pid) ? s : undefined
    })
    const agentId = before.id!
    const pidOf = (s: AgentState, task: string) => s.executors.find((e) => e.tasks.some((t) => t.id === task))?.pid
    const awarePid = pidOf(before, 'aware-sleep')!
    const plainPid = pidOf(before, 'plain-sleep')!

    // partition
    const cut = Date.now()
    ip('link', 'set', VETH_ROOT, 'down')
    const unreachable = await aware.waitState('aware-sleep', 'TASK_UNREACHABLE', 20_000)
    const took = Date.now() - cut
    const lost = await plain.waitState('plain-sleep', 'TASK_LOST', 5_000)
    console.log(`partition: agent marked unreachable after ${took} ms (ping ${PING_MS} ms × ${MAX_PINGS})`)
    expect(took).toBeGreaterThanOrEqual(PING_MS * (MAX_PINGS - 1))
    for (const s of [unreachable, lost] as TaskStatus[])
      expect(s).toMatchObject({ reason: 'REASON_AGENT_REMOVED', source: 'SOURCE_MASTER', agent_id: { value: agentId } })
    expect(unreachable.unreachable_time?.nanoseconds).toBeGreaterThan(0)
    expect(aware.failures.some((f) => f.agent_id?.value === agentId)).toBe(true)
    const state = master.master.state()
    expect(state.unreachable_agents).toEqual([expect.objectContaining({ id: agentId, hostname: AGENT_IP })])
    expect(state.agents.some((a) => a.id === agentId)).toBe(false)
    // both tasks' processes keep running on the partitioned agent (Mesos never kills them for a partition)
    expect(alive(awarePid) && alive(plainPid)).toBe(true)
    // no offers of the unreachable agent while it is away
    aware.offers.length = 0
    await new Promise((r) => setTimeout(r, 1000))
    expect(aware.offers.filter((o) => o.agent_id.value === agentId)).toEqual([])

    // the agent, pinged no more, gave the master up and tries to register again
    await until(
      'the agent gave up the silent master',
      () => readFileSync(logFile(), 'utf8').includes('no PING from the master in time') || undefined,
      10_000,
    )

    // heal
    const healed = Date.now()
    ip('link', 'set', VETH_ROOT, 'up')
    const back = await aware.waitFor(
      'aware-sleep RUNNING again',
      () => aware.updates.find((u) => u.task_id.value === 'aware-sleep' && u.reason === 'REASON_AGENT_REREGISTERED'),
      40_000,
    )
    console.log(`heal: agent re-registered ${Date.now() - healed} ms after the link came back`)
    expect(back).toMatchObject({ state: 'TASK_RUNNING', source: 'SOURCE_MASTER', agent_id: { value: agentId } })
    const after = master.master.state()
    expect(after.unreachable_agents).toEqual([])
    expect(after.agents.find((a) => a.id === agentId)?.active).toBe(true)
    expect(after.tasks.filter((t) => t.agent_id === agentId).map((t) => [t.id, t.state])).toEqual([
      ['aware-sleep', 'TASK_RUNNING'],
    ])
    // the partition-aware task never stopped; the other framework's task is shut down on the agent
    await until('the not-partition-aware executor gone', async () => {
      const s = await agentState()
      return s && !s.executors.some((e) => e.framework_id === plain.frameworkId) && !alive(plainPid) ? s : undefined
    })
    expect(alive(awarePid)).toBe(true)
    expect((await agentState())?.executors.map((e) => e.pid)).toEqual([awarePid])
    expect(
      plain.updates.filter(
        (u) =>
          u.task_id.value === 'plain-sleep' && u.state === 'TASK_RUNNING' && u.reason === 'REASON_AGENT_REREGISTERED',
      ),
    ).toEqual([])
  })
})
