/** The walking skeleton: a local cluster of OS processes runs 3 real brokers driven through the CLI. */
/**
 * End to end, every part real: a local cluster (master, 3 agents on 127.0.1.1-3, scheduler, each an
 * OS process), 3 real Kafka brokers plus the KRaft controller driven through the CLI, a real Kafka
 * client. One cluster for the whole file.
 */
import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import {
  apiFetch,
  type BrokerJson,
  cli,
  javaProcesses,
  kafkaClient,
  listBrokers,
  startLocalCluster,
  until,
} from '../harness.js'
import { createTopicsAndWait } from '../support/topics.js'

let cluster: LocalCluster
let api = ''

beforeAll(async () => {
  cluster = await startLocalCluster('skeleton')
  api = cluster.api
})

afterAll(async () => {
  if (!cluster) return
  const workDir = cluster.options.workDir
  await cluster.stop()
  // teardown leaves no java process behind
  expect(javaProcesses(workDir)).toEqual([])
  expect(cluster.leftovers()).toEqual([])
})

async function roundTrip(brokers: string[], topic: string, count: number): Promise<{ sent: string[]; got: string[] }> {
  const kafka = kafkaClient(brokers)
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  const tag = `${topic}-${Date.now()}`
  const sent = Array.from({ length: count }, (_, i) => `${tag}-${i}`)
  await producer.send({ topic, acks: -1, messages: sent.map((value, i) => ({ key: String(i), value })) })
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId: `g-${tag}`, sessionTimeout: 10_000, heartbeatInterval: 1000 })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got: string[] = []
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${got.length} of ${count} in 90 s`)), 90_000)
    void consumer.run({
      eachMessage: async ({ message }) => {
        const v = message.value!.toString()
        if (v.startsWith(`${tag}-`)) got.push(v)
        if (got.length >= count) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  await consumer.disconnect()
  return { sent, got }
}

const endpoints = (brokers: BrokerJson[]) =>
  brokers.filter((b) => b.task?.state === 'running').map((b) => b.task!.endpoint)

describe('walking skeleton: real Kafka brokers on our own cluster', () => {
  test('bad input is answered clearly: HTTP 400 JSON naming the field, CLI Error: and exit 1', async () => {
    const res = await apiFetch(`${api}/api/broker/add`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'broker=0&cpus=abc',
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: string }
    expect(body.error).toMatch(/^cpus: /)

    const add = cli(api, ['broker', 'add', '0', '--cpus', 'abc'])
    expect(add.code).toBe(1)
    expect(add.stderr).toMatch(/^Error: cpus: .*"abc"/m)
    expect(add.stderr).not.toMatch(/at .*\.js:\d+/) // no stack trace

    const start = cli(api, ['broker', 'start', '99'])
    expect(start.code).toBe(1)
    expect(start.stderr).toMatch(/^Error: broker 99 not found/m)
    const rest = await apiFetch(`${api}/api/broker/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ broker: '99' }),
    })
    expect(rest.status).toBe(400)
    expect(((await rest.json()) as { error: string }).error).toMatch(/broker 99 not found/)
    expect(await listBrokers(api)).toEqual([])
  })

  test('broker add 0..2 and start 0..2 through the CLI: three brokers run, one per agent', async () => {
    const add = cli(api, ['add', '0..2', '--cpus', '0.5', '--mem', '768', '--heap', '256']) // the short form
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
    expect(add.stdout).toMatch(/brokers added:/)

    const start = cli(api, ['broker', 'start', '0..2', '--timeout', '180s', '--json'])
    expect(start.code).toBe(0)
    const json = JSON.parse(start.stdout) as { status: string; brokers: BrokerJson[] }
    expect(json.status).toBe('started')
    const brokers = await listBrokers(api)
    expect(brokers.map((b) => [b.id, b.state])).toEqual([
      ['0', 'running'],
      ['1', 'running'],
      ['2', 'running'],
    ])
    // KRaft brokers are Kafka processes of their own, on the agents' loopback addresses
    for (const b of brokers) expect(b.task!.endpoint).toMatch(/^127\.0\.1\.[1-3]:3\d{4}$/)
    expect(new Set(brokers.map((b) => b.task!.hostname)).size).toBe(3)
    for (const b of brokers) expect(javaProcesses(b.task!.id)).toHaveLength(1)

    const list = cli(api, ['broker', 'list'])
    expect(list.code).toBe(0)
    expect(list.stdout).toMatch(/state: running/)
  })

  test('a topic with RF 3: 1000 messages produced with acks=all come back identical', async () => {
    const brokers = endpoints(await listBrokers(api))
    const admin = kafkaClient(brokers).admin()
    await admin.connect()
    await createTopicsAndWait(admin, [{ topic: 'skeleton', numPartitions: 3, replicationFactor: 3 }])
    const meta = await admin.fetchTopicMetadata({ topics: ['skeleton'] })
    expect(meta.topics[0].partitions).toHaveLength(3)
    for (const p of meta.topics[0].partitions) expect(p.replicas.sort()).toEqual([0, 1, 2])
    const cluster = await admin.describeCluster()
    expect(cluster.brokers.map((b) => b.nodeId).sort()).toEqual([0, 1, 2])
    await admin.disconnect()

    const { sent, got } = await roundTrip(brokers, 'skeleton', 1000)
    expect(got.sort()).toEqual(sent.sort())
  })

  test('broker stop 1: task and JVM gone, the topic still serves; start 1: running again on the same agent', async () => {
    const before = (await listBrokers(api)).find((b) => b.id === '1')!
    const oldTask = before.task!.id
    expect(javaProcesses(oldTask)).toHaveLength(1)

    const stop = cli(api, ['broker', 'stop', '1'])
    expect(stop.code).toBe(0)
    expect(stop.stdout).toMatch(/stopped/)
    const stopped = (await listBrokers(api)).find((b) => b.id === '1')!
    expect(stopped.task).toBeUndefined()
    expect(stopped.state).toBe('stopped')
    expect(javaProcesses(oldTask)).toEqual([])

    const { sent, got } = await roundTrip(endpoints(await listBrokers(api)), 'skeleton', 200)
    expect(got.sort()).toEqual(sent.sort())

    const start = cli(api, ['broker', 'start', '1', '--timeout', '180s'])
    expect(start.code).toBe(0)
    const again = (await listBrokers(api)).find((b) => b.id === '1')!
    expect(again.state).toBe('running')
    expect(again.task!.id).not.toBe(oldTask)
    expect(again.task!.hostname).toBe(before.task!.hostname)
  })

  test('maintenance of a broker host: the scheduler declines the inverse offer, the broker keeps running; unscheduled again', async () => {
    const before = (await listBrokers(api)).find((b) => b.id === '0')!
    const host = before.task!.hostname
    const km = (...args: string[]) => cli(api, ['maintenance', ...args, '--master', cluster.master])
    const scheduled = km('schedule', host, '--start', '+1h', '--duration', '30m')
    expect(scheduled.stderr).toBe('')
    expect(scheduled.stdout).toContain(`machines ${host} are DRAINING`)
    const answer = await until('the scheduler answers the inverse offer', 30_000, async () => {
      const s = JSON.parse(km('status', '--json').stdout) as {
        status: { draining_machines: Array<{ statuses: Array<{ status: string }> }> }
      }
      return s.status.draining_machines[0]?.statuses[0]?.status
    })
    expect(answer).toBe('DECLINE')
    expect(km('status').stdout).toMatch(new RegExp(`${host.replace(/\./g, '\\.')}\\s+│\\s+DRAINING.*: DECLINE`))
    expect(km('unschedule', host).code).toBe(0)
    const after = (await listBrokers(api)).find((b) => b.id === '0')!
    expect([after.state, after.task!.id]).toEqual(['running', before.task!.id])
  })
})
