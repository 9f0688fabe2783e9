/** A combined broker,controller node on real Kafka: the one-node cluster. */
/**
 * Issue 7, combined role: a one-node cluster whose only node is both broker and KRaft controller
 * (`broker add 0 --role broker,controller`): no dedicated controller is started, the node is the
 * quorum's only voter, and it serves produce and consume.
 */
import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import { apiFetch, cli, kafkaClient, listBrokers, startLocalCluster, stopLocalCluster, until } from '../harness.js'
import { createTopicsAndWait } from '../support/topics.js'

let cluster: LocalCluster

beforeAll(async () => {
  cluster = await startLocalCluster('combined', 1)
})

afterAll(() => stopLocalCluster(cluster))

test('a single broker,controller node is the whole cluster: voter and broker', async () => {
  const api = cluster.api
  const add = cli(api, [
    'broker',
    'add',
    '0',
    '--role',
    'broker,controller',
    '--cpus',
    '0.5',
    '--mem',
    '1024',
    '--heap',
    '256',
  ])
  expect(add.stderr).toBe('')
  expect(add.stdout).toMatch(/role: broker,controller/)
  const start = cli(api, ['broker', 'start', '0', '--timeout', '180s'])
  expect(start.stderr).toBe('')
  expect(start.code).toBe(0)

  const list = await until('node 0 leads a 1-voter quorum', 60_000, async () => {
    const l = (await (await apiFetch(`${api}/api/controller/list`)).json()) as {
      controllers: Array<{ id: string; role?: string; endpoint?: string }>
      quorum: { leaderId: number; voters: Array<{ id: number; lag: number }> } | null
    }
    return l.quorum?.leaderId === 0 && l.quorum.voters.length === 1 ? l : undefined
  })
  expect(list.controllers.map((c) => [c.id, c.role])).toEqual([['0', 'broker,controller']]) // no dedicated controller
  const [broker] = await listBrokers(api)
  expect(list.controllers[0].endpoint).not.toBe(broker.task!.endpoint) // its own controller port
  expect(cli(api, ['controller', 'list']).stdout).toMatch(/quorum: leader 0, epoch \d+/)

  const brokers = [broker.task!.endpoint]
  const admin = kafkaClient(brokers).admin()
  await admin.connect()
  await createTopicsAndWait(admin, [{ topic: 'tiny', numPartitions: 1, replicationFactor: 1 }])
  await admin.disconnect()
  const producer = kafkaClient(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  for (let i = 0; i < 10; i++) await producer.send({ topic: 'tiny', acks: -1, messages: [{ value: `t-${i}` }] })
  await producer.disconnect()
  const consumer = kafkaClient(brokers).consumer({ groupId: 'tiny' })
  await consumer.connect()
  await consumer.subscribe({ topic: 'tiny', fromBeginning: true })
  const got = new Set<string>()
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`consumed ${got.size} of 10`)), 60_000)
    void consumer.run({
      eachMessage: async ({ message }) => {
        got.add(message.value!.toString())
        if (got.size >= 10) {
          clearTimeout(timer)
          resolve()
        }
      },
    })
  })
  await consumer.disconnect()
  expect(got.size).toBe(10)
})
