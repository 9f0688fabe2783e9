/** Broker placement and failover on real Kafka: constraints, JVM and scheduler kills, clone, forced stop. */
/**
 * End to end on real Kafka (one local cluster for the file): constraints spread brokers over racks
 * and a broker that cannot be placed says why (mesos/kafka `Constraint.scala`); a broker whose Kafka JVM is killed
 * with SIGKILL is restarted on the same agent after the failover delay, failures are counted and
 * `--failover-max-tries` deactivates it (mesos/kafka `Broker.scala`, `Failover`); a scheduler killed with SIGKILL re-subscribes,
 * reconciles and re-attaches the running brokers without restarting any (mesos/kafka `Scheduler.scala` reconciliation, #306, #310);
 * `broker clone` copies settings; `broker stop --force` kills Kafka at once as a normal stop (mesos/kafka `BrokerApi.scala`).
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import { apiFetch, cli, javaProcesses, listBrokers, startLocalCluster, stopLocalCluster } from '../harness.js'

let cluster: LocalCluster
let api = ''

interface Broker {
  id: string
  active: boolean
  state: string
  failover: { failures: number; maxTries?: number; failureTime?: string }
  task?: { id: string; hostname: string; endpoint: string; state: string; attributes: Record<string, string> }
  waiting?: { reason: string; hostname: string; time: string }
}

const brokers = async () => (await listBrokers(api)) as unknown as Broker[]
const broker = async (id: string) => (await brokers()).find((b) => b.id === id)!

/** Polls `probe` every `everyMs` until it returns a value (not undefined) or the deadline passes. */
async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const v = await probe()
      if (v !== undefined) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

const schedulerLog = () => readFileSync(cluster.daemons.find((d) => d.name === 'scheduler')!.logFile, 'utf8')

function kill9(taskId: string): number {
  const pids = javaProcesses(taskId)
  expect(pids).toHaveLength(1)
  process.kill(pids[0], 'SIGKILL')
  return pids[0]
}

beforeAll(async () => {
  cluster = await startLocalCluster('failover')
  api = cluster.api
})

afterAll(() => stopLocalCluster(cluster))

describe('constraints, failover and scheduler restart on real Kafka', () => {
  test('--constraints rack=unique spreads 3 brokers over 3 racks; a 4th waits and broker list says why', async () => {
    const bad = cli(api, ['broker', 'add', '0', '--constraints', 'rack=uniq'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^Error: constraints: unsupported constraint "uniq"/m)

    const add = cli(api, [
      'broker',
      'add',
      '0..2',
      '--cpus',
      '0.5',
      '--mem',
      '768',
      '--heap',
      '256',
      '--constraints',
      'rack=unique',
      '--failover-delay',
      '5s',
      '--failover-max-tries',
      '2',
    ])
    expect(add.stderr).toBe('')
    expect(add.stdout).toMatch(/constraints: rack=unique/)
    const start = cli(api, ['broker', 'start', '0..2', '--timeout', '180s'])
    expect(start.stderr).toBe('')
    expect(start.code).toBe(0)
    const running = await brokers()
    expect(running.map((b) => b.state)).toEqual(['running', 'running', 'running'])
    expect(running.map((b) => b.task!.attributes.rack).sort()).toEqual(['r1', 'r2', 'r3'])

    expect(
      cli(api, ['broker', 'add', '3', '--cpus', '0.5', '--mem', '768', '--heap', '256', '--constraints', 'rack=unique'])
        .code,
    ).toBe(0)
    expect(cli(api, ['broker', 'start', '3', '--timeout', '0']).stdout).toMatch(/scheduled to start/)
    const waiting = await until('broker 3 says why it waits', async () => (await broker('3')).waiting, 30_000)
    expect(waiting.reason).toMatch(/^rack=unique: rack r[123] does not match \(others: r\d,r\d,r\d\)$/)
    expect((await broker('3')).task).toBeUndefined()
    const list = cli(api, ['broker', 'list', '3'])
    expect(list.stdout).toMatch(
      /^ {2}waiting: rack=unique: rack r[123] does not match .*\(offer from 127\.0\.1\.[123] at /m,
    )

    expect(cli(api, ['broker', 'stop', '3']).code).toBe(0)
    expect(cli(api, ['broker', 'remove', '3']).code).toBe(0)
  })

  test('kill -9 of a Kafka JVM: counted as a failure, restarted on the same agent after the 5 s failover delay', async () => {
    const before = await broker('0')
    const killedAt = Date.now()
    kill9(before.task!.id)

    const failed = await until(
      'the failure is counted',
      async () => {
        const b = await broker('0')
        return b.failover.failures === 1 && !b.task ? b : undefined
      },
      60_000,
      100,
    )
    expect(failed.active).toBe(true)
    expect(failed.state).toMatch(/^failed 1\/2 .*, next start /)

    const again = await until(
      'broker 0 runs a new task',
      async () => {
        const b = await broker('0')
        return b.task?.state === 'running' && b.task.id !== before.task!.id ? b : undefined
      },
      120_000,
    )
    expect(Date.now() - killedAt).toBeGreaterThanOrEqual(5_000)
    expect(again.task!.hostname).toBe(before.task!.hostname) // stickiness: the same agent
    expect(again.failover.failures).toBe(0) // TASK_RUNNING resets failures (mesos/kafka `Broker.scala`, `Failover.resetFailures`)
    expect(javaProcesses(again.task!.id)).toHaveLength(1)
    await until(
      'the scheduler logs the failure',
      () => (/broker 0 failed; it will be restarted after the failover delay/.test(schedulerLog()) ? true : undefined),
      10_000,
    )
  })

  test('--failover-max-tries 2: a second failure in a row deactivates the broker', async () => {
    const first = await broker('0')
    kill9(first.task!.id)
    // the restarted JVM is killed as soon as it exists, before Kafka reports RUNNING (which would reset the count)
    const next = await until(
      'broker 0 launches its next task',
      async () => {
        const b = await broker('0')
        return b.task && b.task.id !== first.task!.id ? b.task.id : undefined
      },
      60_000,
      50,
    )
    const pid = await until('the next Kafka JVM starts', () => javaProcesses(next)[0], 60_000, 20)
    process.kill(pid, 'SIGKILL')

    const stopped = await until(
      'broker 0 is deactivated',
      async () => {
        const b = await broker('0')
        return !b.active && !b.task ? b : undefined
      },
      60_000,
    )
    expect(stopped.state).toBe('stopped')
    expect(stopped.failover.failures).toBe(2)
    await until(
      'the scheduler logs the deactivation',
      () => (/broker 0 failed: failure limit exceeded, deactivating broker/.test(schedulerLog()) ? true : undefined),
      10_000,
    )
    const json = JSON.parse(cli(api, ['broker', 'list', '0', '--json']).stdout) as { brokers: Broker[] }
    expect(json.brokers[0].failover.failures).toBe(2)

    const start = cli(api, ['broker', 'start', '0', '--timeout', '180s'])
    expect(start.code).toBe(0)
    expect((await broker('0')).failover.failures).toBe(0)
  })

  test('kill -9 of the scheduler while 3 brokers run: after restart the same tasks run, no JVM restarted', async () => {
    const before = await brokers()
    expect(before.map((b) => b.state)).toEqual(['running', 'running', 'running'])
    const pids = before.map((b) => javaProcesses(b.task!.id))
    for (const p of pids) expect(p).toHaveLength(1)

    await cluster.restartScheduler('SIGKILL')
    await until(
      'the scheduler re-subscribes',
      async () =>
        ((await (await apiFetch(`${api}/api/status`)).json()) as { connected: boolean }).connected || undefined,
      30_000,
    )
    // Reconciliation answers arrive right after SUBSCRIBED; watch a while that nothing changes.
    const settleUntil = Date.now() + 8_000
    while (Date.now() < settleUntil) {
      const now = await brokers()
      expect(now.map((b) => [b.id, b.state, b.task?.id])).toEqual(before.map((b) => [b.id, 'running', b.task!.id]))
      await new Promise((r) => setTimeout(r, 500))
    }
    const after = await brokers()
    expect(after.map((b) => b.task!.endpoint)).toEqual(before.map((b) => b.task!.endpoint))
    expect(after.map((b) => javaProcesses(b.task!.id))).toEqual(pids)
    const stored = JSON.parse(readFileSync(`${cluster.options.workDir}/kafka-mesos.json`, 'utf8')) as {
      brokers: Array<{ task?: { state: string } }>
    }
    expect(stored.brokers.map((b) => b.task?.state)).toEqual(['running', 'running', 'running'])
  })

  test('kill -9 of the scheduler while a broker starts (mesos/kafka #306, #310): the same task comes up running with its endpoint', async () => {
    expect(cli(api, ['broker', 'stop', '2']).code).toBe(0)
    expect(cli(api, ['broker', 'start', '2', '--timeout', '0']).code).toBe(0)
    const launched = await until(
      'broker 2 launches a task',
      async () => {
        const b = await broker('2')
        return b.task && b.task.state !== 'running' ? b.task : undefined
      },
      60_000,
      50,
    )
    await cluster.restartScheduler('SIGKILL')
    const running = await until(
      'broker 2 runs after the restart',
      async () => {
        const b = await broker('2')
        return b.task?.state === 'running' ? b : undefined
      },
      120_000,
    )
    expect(running.task!.id).toBe(launched.id) // re-attached, not relaunched
    expect(running.task!.endpoint).toMatch(/^127\.0\.1\.[1-3]:3\d{4}$/)
    expect(javaProcesses(running.task!.id)).toHaveLength(1)
    const stored = JSON.parse(readFileSync(`${cluster.options.workDir}/kafka-mesos.json`, 'utf8')) as {
      brokers: Array<{ task?: { state: string } }>
    }
    expect(stored.brokers.map((b) => b.task?.state)).toEqual(['running', 'running', 'running'])
  })

  test('broker clone --source copies the settings into new, inactive brokers', async () => {
    const clone = cli(api, ['broker', 'clone', '5', '--source', '0'])
    expect(clone.stderr).toBe('')
    expect(clone.stdout).toMatch(/^broker cloned:/)
    expect(clone.stdout).toMatch(/constraints: rack=unique/)
    expect(clone.stdout).toMatch(/failover: delay:5s, max-delay:10m, max-tries:2/)
    expect(clone.stdout).toMatch(/resources: cpus:0\.50, mem:768, heap:256/)
    const five = await broker('5')
    expect([five.active, five.state, five.task, five.failover.failures]).toEqual([false, 'stopped', undefined, 0])
    expect(cli(api, ['broker', 'clone', '5', '--source', '0']).stderr).toMatch(/^Error: broker 5 already exists/m)
    expect(cli(api, ['broker', 'clone', '6', '--source', '9']).stderr).toMatch(
      /^Error: source: broker 9 does not exist/m,
    )
    expect(cli(api, ['broker', 'clone', '6', '--source', '0..1']).stderr).toMatch(/^Error: source: must be 1 broker/m)
    expect(cli(api, ['broker', 'remove', '5']).code).toBe(0)
  })

  test('broker stop --force: the executor kills Kafka at once; a normal stop, not a failure', async () => {
    const before = await broker('1')
    const stop = cli(api, ['broker', 'stop', '1', '--force'])
    expect(stop.stderr).toBe('')
    expect(stop.stdout).toMatch(/^broker stopped:/)
    const after = await broker('1')
    expect([after.active, after.state, after.task, after.failover.failures]).toEqual([false, 'stopped', undefined, 0])
    expect(javaProcesses(before.task!.id)).toEqual([])
    // the scheduler's log reaches its file through a pipe, a moment after the API answered
    await until(
      'the scheduler logs the stop',
      () => (/broker 1 stopped/.test(schedulerLog()) ? true : undefined),
      10_000,
    )
    // the executor got the framework message 'stop' (SIGKILL), not a KILL with a clean shutdown
    const sandbox = execFileSync(
      'find',
      [cluster.options.workDir, '-type', 'd', '-path', `*/slaves/*/executors/${before.task!.id}/runs/*`, '-prune'],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')[0]
    const executorLog = ['stdout', 'stderr'].map((f) => readFileSync(join(sandbox, f), 'utf8')).join('')
    expect(executorLog).toMatch(/framework message 'stop': SIGKILL/)
  })
})
