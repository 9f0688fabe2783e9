/** The built-in command executor on a real agent and master: states, exit codes, argv, KILL and its grace period. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { TestFramework } from '../../test/support/framework.js'
import { type OneAgent, startOneAgent } from '../../test/support/one-agent.js'
import type { RunningMaster } from '../master/index.js'
import { type Offer, parseResources, scalarSum, type TaskInfo } from '../proto/index.js'
import { describeExit } from './command-executor.js'
import { commandExecutorInfo, commandExecutorName } from './command-executor-launch.js'
import { groupAlive } from './containerizer/index.js'
import type { RunningAgent } from './server.js'

function cmdTask(id: string, command: TaskInfo['command'], extra: Partial<TaskInfo> = {}): Omit<TaskInfo, 'agent_id'> {
  return { name: id, task_id: { value: id }, resources: parseResources('cpus:0.1;mem:32'), command, ...extra }
}

describe('command executor: pieces', () => {
  test('synthesised ExecutorInfo: executor id = task id, Mesos name, node + entry in argv form', () => {
    const info = commandExecutorInfo(
      {
        name: 't',
        task_id: { value: 't-1' },
        agent_id: { value: 'a' },
        command: { value: 'sleep 1', uris: [{ value: '/x.tgz' }] },
      },
      'fw-1',
      { file: '/usr/bin/node', args: ['/e.js'] },
    )
    expect(info.executor_id.value).toBe('t-1')
    expect(info.name).toBe('Command Executor (Task: t-1)')
    expect(commandExecutorName('x')).toBe('Command Executor (Task: x)')
    expect(info.framework_id?.value).toBe('fw-1')
    expect(info.command).toMatchObject({
      shell: false,
      value: '/usr/bin/node',
      arguments: ['/usr/bin/node', '/e.js'],
      uris: [{ value: '/x.tgz' }],
    })
  })

  test('exit texts', () => {
    expect(describeExit(0, null)).toBe('Command exited with status 0')
    expect(describeExit(3, null)).toBe('Command exited with status 3')
    expect(describeExit(null, 'SIGKILL')).toBe('Command terminated with signal SIGKILL')
  })
})

describe('command tasks on a real agent', { timeout: 60_000 }, () => {
  let c: OneAgent
  let master: RunningMaster
  let agent: RunningAgent
  let fw: TestFramework
  let workDir: string

  beforeAll(async () => {
    c = await startOneAgent({
      agent: { resources: parseResources('cpus:4;mem:4096'), executorShutdownGraceMs: 2000 },
      framework: { name: 'cmd-test' },
      prefix: 'km-cmd-',
    })
    ;({ master, agent, fw, workDir } = c)
  })
  afterAll(() => c?.close())

  async function offer(): Promise<Offer> {
    // Offers come back after each launch (refuse_seconds 0), so take the freshest one.
    return fw.nextOffer(20_000)
  }

  test('exit 0: TASK_STARTING, TASK_RUNNING, TASK_FINISHED; output in the sandbox', async () => {
    await fw.launch(await offer(), [
      cmdTask('ok', {
        value: 'echo "hello from $MESOS_EXECUTOR_ID" && echo "$GREETING" >&2',
        environment: { variables: [{ name: 'GREETING', value: 'hi' }] },
      }),
    ])
    const done = await fw.waitState('ok', 'TASK_FINISHED', 20_000)
    const states = fw.updates.filter((u) => u.task_id.value === 'ok').map((u) => u.state)
    expect(states).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'])
    expect(done.message).toBe('Command exited with status 0')
    expect(done.executor_id?.value).toBe('ok')
    expect(done.source).toBe('SOURCE_EXECUTOR')
    const sandbox = join(workDir, 'slaves', agent.agent.id!, 'frameworks', fw.frameworkId!, 'executors', 'ok', 'runs')
    const { readdirSync } = await import('node:fs')
    const run = join(sandbox, readdirSync(sandbox)[0])
    expect(readFileSync(join(run, 'stdout'), 'utf8')).toContain('hello from ok')
    expect(readFileSync(join(run, 'stderr'), 'utf8')).toContain('hi')
  })

  test('non-zero exit: TASK_FAILED with the code in the message', async () => {
    await fw.launch(await offer(), [cmdTask('bad', { value: 'exit 3' })])
    const failed = await fw.waitState('bad', 'TASK_FAILED', 20_000)
    expect(failed.message).toBe('Command exited with status 3')
    expect(failed.reason).toBe('REASON_COMMAND_EXECUTOR_FAILED')
  })

  test('shell=false runs value with arguments as argv', async () => {
    await fw.launch(await offer(), [
      cmdTask('argv', {
        shell: false,
        value: '/bin/sh',
        arguments: ['sh', '-c', 'test "$0" = zero && test "$1" = "a b" && exit 0 || exit 9', 'zero', 'a b'],
      }),
    ])
    const done = await fw.waitState('argv', ['TASK_FINISHED', 'TASK_FAILED'], 20_000)
    expect(done.state).toBe('TASK_FINISHED')
  })

  test('KILL: TASK_KILLED, the whole process group is gone', async () => {
    await fw.launch(await offer(), [cmdTask('sleeper', { value: 'sleep 30 & sleep 30; wait' })])
    await fw.waitState('sleeper', 'TASK_RUNNING', 20_000)
    const pid = await fw.waitFor('the command pid', () => {
      const e = agent.agent.state().executors.find((x) => x.id === 'sleeper')
      return e?.pid
    })
    await fw.kill('sleeper')
    const killed = await fw.waitState('sleeper', 'TASK_KILLED', 20_000)
    expect(killed.message).toMatch(/signal SIGTERM/)
    // the executor exits once its update is acknowledged; nothing of the task is left
    await fw.waitFor('executor gone', () => !agent.agent.state().executors.some((x) => x.id === 'sleeper'), 10_000)
    expect(groupAlive(pid)).toBe(false)
  })

  test('KILL of a command that ignores SIGTERM: SIGKILL after the kill policy grace period', async () => {
    await fw.launch(await offer(), [cmdTask('stubborn', { value: "trap '' TERM; while true; do sleep 0.1; done" })])
    await fw.waitState('stubborn', 'TASK_RUNNING', 20_000)
    await new Promise((r) => setTimeout(r, 300)) // let the shell install its trap
    const t0 = Date.now()
    await fw.kill('stubborn', 700)
    const killed = await fw.waitState('stubborn', 'TASK_KILLED', 20_000)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(600)
    expect(killed.message).toMatch(/SIGKILL/)
  })

  test('resources come back after the tasks end', async () => {
    await fw.waitFor('no tasks left in the master', () => master.master.state().tasks.length === 0, 10_000)
    // What is offered again adds up to the whole agent (the freed parts may come as separate offers).
    const offered = () => fw.offers.reduce((n, o) => n + scalarSum(o.resources, 'cpus'), 0)
    await fw.waitFor('the whole agent offered', () => Math.abs(offered() - 4) < 1e-6, 20_000)
  })
})
