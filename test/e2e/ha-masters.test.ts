/** HA masters on a real etcd: leader election, redirects and failover with brokers running. */
/**
 * Issue 8 (part): HA masters on a real etcd. Three masters campaign through etcd; the others answer
 * 307 to the leader; kill -9 of the leader elects another, agents and the scheduler follow it, and
 * the brokers keep running (same tasks, same JVMs); the cluster keeps working afterwards.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import { cli, javaProcesses, listBrokers, startLocalCluster, stopLocalCluster, until } from '../harness.js'

let cluster: LocalCluster

beforeAll(async () => {
  cluster = await startLocalCluster('ha', 3, { ha: true })
})

afterAll(() => stopLocalCluster(cluster))

interface MasterState {
  agents: Array<{ active: boolean }>
  frameworks: Array<{ name: string; connected: boolean }>
}

describe('HA masters elected through etcd', () => {
  test('a non-leading master redirects the scheduler API to the leader (307)', async () => {
    const leader = await cluster.leadingMaster()
    expect(leader).toBeDefined()
    const standby = cluster.master.split(',').find((m) => m !== leader)!
    const res = await fetch(`http://${standby}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
      redirect: 'manual',
    })
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe(`//${leader}/api/v1/scheduler`)
  })

  test('kill -9 of the leading master: a new leader, agents and the scheduler follow, brokers keep running', async () => {
    expect(cli(cluster.api, ['broker', 'add', '0..2', '--cpus', '0.5', '--mem', '768', '--heap', '256']).code).toBe(0)
    const start = cli(cluster.api, ['broker', 'start', '0..2', '--timeout', '240s'])
    expect(start.stderr).toBe('')
    expect(start.code).toBe(0)
    const before = await listBrokers(cluster.api)
    const jvms = before.map((b) => javaProcesses(b.task!.id))

    const leader = (await cluster.leadingMaster())!
    const daemon = cluster.daemons.find((d) => d.address === leader)!
    const killedAt = Date.now()
    process.kill(daemon.child.pid!, 'SIGKILL')

    const next = await until('a new leader', 30_000, async () => {
      const l = await cluster.leadingMaster()
      return l && l !== leader ? l : undefined
    })
    await until('agents and the scheduler re-registered with the new leader', 60_000, async () => {
      const s = (await fetch(`http://${next}/state`).then((r) => r.json())) as MasterState
      return s.agents.filter((a) => a.active).length === 3 &&
        s.frameworks.some((f) => f.name === 'kafka' && f.connected)
        ? true
        : undefined
    })
    const failoverMs = Date.now() - killedAt
    process.stderr.write(
      `[ha] master failover: leader killed → agents and framework re-registered in ${failoverMs} ms\n`,
    )

    const after = await listBrokers(cluster.api)
    expect(after.map((b) => [b.id, b.state, b.task?.id])).toEqual(before.map((b) => [b.id, 'running', b.task!.id]))
    expect(after.map((b) => javaProcesses(b.task!.id))).toEqual(jvms)

    // the new leader offers resources: a broker stopped and started again runs
    expect(cli(cluster.api, ['broker', 'stop', '2']).code).toBe(0)
    const again = cli(cluster.api, ['broker', 'start', '2', '--timeout', '180s'])
    expect(again.stderr).toBe('')
    expect(again.code).toBe(0)
    expect((await listBrokers(cluster.api)).find((b) => b.id === '2')!.state).toBe('running')
  })
})
