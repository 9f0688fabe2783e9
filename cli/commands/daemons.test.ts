/** The daemon commands (master, agent, apps, scheduler, local): their --help, and bad input refused before anything starts. */
// None of these tests starts a daemon: every case fails in flag parsing or in the checks that run first.

import { describe, expect, test } from 'vitest'
import AgentCommand from './agent.js'
import AppsCommand from './apps.js'
import { mockApi, runCli, runCommand } from './cli.test-support.js'
import LocalCommand from './local.js'
import MasterCommand from './master.js'
import SchedulerCommand from './scheduler.js'

// No request may leave these commands: the msw server fails the test on any.
mockApi()

describe.each([
  ['master', 'Run the cluster master.', '$ kafka-mesos master [--host <value>]'],
  ['agent', 'Run a cluster agent.', '$ kafka-mesos agent --master <value>'],
  ['apps', 'Run the meta-framework', '$ kafka-mesos apps --master <value>'],
  ['scheduler', 'Run the broker scheduler and its REST API.', '$ kafka-mesos scheduler --master <value>'],
  ['local', 'Run a master, agents and the broker scheduler on this machine.', '$ kafka-mesos local [--agents <value>]'],
])('kafka-mesos %s --help', (name, summary, usage) => {
  test('prints the summary, the usage line and the flags, exit 0', async () => {
    const r = await runCli([name, '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout.startsWith(summary)).toBe(true)
    expect(r.stdout).toContain(usage)
    expect(r.stdout).toContain('FLAGS')
  })
})

/** The message and exit code of a run that must fail before starting anything. */
async function refused(cmd: Parameters<typeof runCommand>[0], argv: string[]) {
  const r = await runCommand(cmd, argv)
  return { code: r.code, message: r.error?.message ?? '' }
}

describe('bad input', () => {
  test('master: a bad --weights (exit 1), a port out of range (exit 2)', async () => {
    expect(await refused(MasterCommand, ['--weights', 'kafka'])).toEqual({
      code: 1,
      message:
        "--weights: bad weight 'kafka': expected role=weight with a weight above 0 and at most 1000000, such as kafka=3",
    })
    expect(await refused(MasterCommand, ['--weights', 'kafka=1e308'])).toEqual({
      code: 1,
      message:
        "--weights: bad weight 'kafka=1e308': expected role=weight with a weight above 0 and at most 1000000, such as kafka=3",
    })
    expect((await refused(MasterCommand, ['--port', '70000'])).code).toBe(2)
    expect((await refused(MasterCommand, ['--allocation-interval', '1'])).code).toBe(2)
  })

  test('agent: --master is required; bad --resources and --attributes name the problem', async () => {
    expect(await refused(AgentCommand, [])).toMatchObject({
      code: 2,
      message: expect.stringContaining('Missing required flag master'),
    })
    expect(await refused(AgentCommand, ['--master', '127.0.0.1:5050', '--resources', 'cpus:x'])).toEqual({
      code: 1,
      message: '--resources: cpus must be a non-negative number, got "x"',
    })
    const attrs = await refused(AgentCommand, ['--master', '127.0.0.1:5050', '--attributes', 'rack'])
    expect(attrs.code).toBe(1)
    expect(attrs.message).toMatch(/^--attributes/)
  })

  test('apps: --storage must be file:<path>', async () => {
    expect(await refused(AppsCommand, ['--master', '127.0.0.1:5050', '--storage', 'etcd:x'])).toEqual({
      code: 1,
      message: '--storage: expected file:<path>, got "etcd:x"',
    })
    expect((await refused(AppsCommand, ['--storage', 'file:x'])).code).toBe(2)
  })

  test('scheduler: --master is required, --controllers is 1, 3 or 5, an unknown --storage is refused', async () => {
    expect((await refused(SchedulerCommand, [])).code).toBe(2)
    expect(await refused(SchedulerCommand, ['--master', 'm:5050', '--controllers', '2'])).toMatchObject({
      code: 2,
      message: expect.stringContaining('Expected --controllers=2 to be one of: 1, 3, 5'),
    })
    const storage = await refused(SchedulerCommand, ['--master', 'm:5050', '--storage', 'zk:x'])
    expect(storage.code).toBe(1)
    expect(storage.message).toContain('zk:x')
  })

  test('local: --agents at least 1, --controllers 1, 3 or 5', async () => {
    expect((await refused(LocalCommand, ['--agents', '0'])).code).toBe(2)
    expect((await refused(LocalCommand, ['--controllers', '4'])).code).toBe(2)
    expect((await refused(LocalCommand, ['--api-port', '-1'])).code).toBe(2)
  })
})
