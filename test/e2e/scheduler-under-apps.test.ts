/** The broker scheduler as an app under the meta-framework: killed, restarted, brokers untouched. */
/**
 * Issue 8 (part): the broker scheduler runs as app /kafka under the meta-framework. kill -9 of the
 * scheduler process: the meta-framework restarts it, its API answers again (found through
 * GET /v2/apps/kafka/tasks), and no broker was restarted.
 */
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import { cli, javaProcesses, listBrokers, startLocalCluster, stopLocalCluster } from '../harness.js'

let cluster: LocalCluster

beforeAll(async () => {
  cluster = await startLocalCluster('apps', 3, { schedulerUnderApps: true })
})

afterAll(() => stopLocalCluster(cluster))

/** pid of the scheduler process started under the meta-framework (its command line names our work dir). */
function schedulerPid(): number | undefined {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
  const line = lines.find(
    (l) =>
      l.includes('run.js') &&
      l.includes(' scheduler ') &&
      l.includes(cluster.options.workDir) &&
      !l.includes('/bin/sh'),
  )
  return line ? Number(line.trim().split(/\s+/)[0]) : undefined
}

async function appTasks(): Promise<Array<{ id: string; state: string; host: string; ports: number[] }>> {
  const res = await fetch(`${cluster.apps}/v2/apps/kafka/tasks`)
  return ((await res.json()) as { tasks: Array<{ id: string; state: string; host: string; ports: number[] }> }).tasks
}

describe('the scheduler under the meta-framework', () => {
  test('kill -9 of the scheduler: restarted by the meta-framework, API answers again, brokers never restarted', async () => {
    expect(cli(cluster.api, ['broker', 'add', '0..2', '--cpus', '0.5', '--mem', '768', '--heap', '256']).code).toBe(0)
    const start = cli(cluster.api, ['broker', 'start', '0..2', '--timeout', '240s'])
    expect(start.stderr).toBe('')
    expect(start.code).toBe(0)
    const before = await listBrokers(cluster.api)
    expect(before.every((b) => b.state === 'running')).toBe(true)
    const jvms = before.map((b) => javaProcesses(b.task!.id))
    for (const p of jvms) expect(p).toHaveLength(1)
    const [oldTask] = await appTasks()

    const pid = schedulerPid()
    expect(pid).toBeGreaterThan(0)
    process.kill(pid!, 'SIGKILL')

    const api = await cluster.resolveSchedulerApi(120_000)
    const [newTask] = await appTasks()
    expect(newTask.id).not.toBe(oldTask.id)
    expect(schedulerPid()).not.toBe(pid)

    const after = await listBrokers(api)
    expect(after.map((b) => [b.id, b.state, b.task?.id])).toEqual(before.map((b) => [b.id, 'running', b.task!.id]))
    expect(after.map((b) => javaProcesses(b.task!.id))).toEqual(jvms)
    expect(cli(api, ['broker', 'list']).code).toBe(0)
    // clients find the scheduler through the meta-framework's task list
    const viaApps = cli(`apps://${new URL(cluster.apps).host}/kafka`, ['broker', 'list', '--json'])
    expect(viaApps.stderr).toBe('')
    expect((JSON.parse(viaApps.stdout) as { brokers: unknown[] }).brokers).toHaveLength(3)
  })
})
