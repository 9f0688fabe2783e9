/** The 3-voter KRaft quorum the scheduler owns, on real Kafka: gang placement and leader failover. */
/**
 * Issue 7: the scheduler owns a 3-voter KRaft quorum. From nothing, one CLI sequence brings up 3
 * controllers (placed as a gang on 3 hosts) and 3 brokers; kill -9 of the leading controller elects
 * a new leader while producing goes on, and the killed controller comes back on its own host and
 * catches up; restarting the scheduler changes nothing in the quorum.
 */
import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import {
  cli,
  controllerList,
  javaProcesses,
  kafkaClient,
  listBrokers,
  startLocalCluster,
  stopLocalCluster,
  until,
} from '../harness.js'
import { createTopicsAndWait } from '../support/topics.js'

let cluster: LocalCluster
let api = ''

const controllers = () => controllerList(api)

beforeAll(async () => {
  cluster = await startLocalCluster('quorum', 3, { controllers: 3 })
  api = cluster.api
})

afterAll(() => stopLocalCluster(cluster))

describe('KRaft quorum owned by the scheduler', () => {
  let brokers: string[] = []
  const produced: string[] = []

  async function produce(n: number): Promise<void> {
    const producer = kafkaClient(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const batch = Array.from({ length: n }, (_, i) => `q-${produced.length + i}`)
    await producer.send({ topic: 'quorum', acks: -1, messages: batch.map((value) => ({ value })) })
    produced.push(...batch)
    await producer.disconnect()
  }

  test('3 controllers and 3 brokers come up from nothing with one CLI sequence', async () => {
    expect(cli(api, ['broker', 'add', '0..2', '--cpus', '0.5', '--mem', '768', '--heap', '256']).code).toBe(0)
    const start = cli(api, ['broker', 'start', '0..2', '--timeout', '240s'])
    expect(start.stderr).toBe('')
    expect(start.code).toBe(0)
    const list = await until('quorum of 3 with a leader', 60_000, async () => {
      const l = await controllers()
      return l.quorum && l.quorum.voters.length === 3 && l.controllers.every((c) => c.state === 'running')
        ? l
        : undefined
    })
    // one controller per host, node ids that never collide with brokers
    expect(new Set(list.controllers.map((c) => c.task!.hostname)).size).toBe(3)
    expect(list.controllers.map((c) => Number(c.id)).every((id) => id >= 1_000_000)).toBe(true)
    expect(list.quorum!.voters.map((v) => v.id).sort()).toEqual(list.controllers.map((c) => Number(c.id)).sort())
    expect(list.quorum!.observers.map((o) => o.id).sort()).toEqual([0, 1, 2]) // the brokers

    const human = cli(api, ['controller', 'list'])
    expect(human.code).toBe(0)
    expect(human.stdout).toMatch(/quorum: leader 100000\d, epoch \d+/)

    brokers = (await listBrokers(api)).map((b) => b.task!.endpoint)
    const admin = kafkaClient(brokers).admin()
    await admin.connect()
    await createTopicsAndWait(admin, [{ topic: 'quorum', numPartitions: 3, replicationFactor: 3 }])
    await admin.disconnect()
    await produce(200)
  })

  test('kill -9 of the leading controller: a new leader, producing goes on, the controller returns on its host and catches up', async () => {
    const before = await controllers()
    const leaderId = before.quorum!.leaderId
    const leader = before.controllers.find((c) => Number(c.id) === leaderId)!
    const pids = javaProcesses(leader.task!.id)
    expect(pids).toHaveLength(1)
    process.kill(pids[0], 'SIGKILL')

    const elected = await until('a new leader', 60_000, async () => {
      const l = await controllers()
      return l.quorum && l.quorum.leaderId !== leaderId && l.quorum.leaderEpoch > before.quorum!.leaderEpoch
        ? l.quorum
        : undefined
    })
    expect(elected.voters).toHaveLength(3)
    await produce(200) // metadata quorum still has a majority: the cluster keeps serving

    const back = await until('the killed controller running again and caught up', 120_000, async () => {
      const l = await controllers()
      const c = l.controllers.find((x) => x.id === leader.id)
      const v = l.quorum?.voters.find((x) => x.id === leaderId)
      return c?.state === 'running' && c.task!.id !== leader.task!.id && v && v.lag === 0 ? c : undefined
    })
    expect(back.task!.hostname).toBe(leader.task!.hostname) // sticky to its host for good
    expect(back.endpoint).toBe(leader.endpoint) // same voter endpoint
  })

  test('restarting the scheduler changes nothing in the quorum', async () => {
    const before = await controllers()
    const pids = before.controllers.map((c) => javaProcesses(c.task!.id))
    await cluster.restartScheduler('SIGKILL')
    api = cluster.api
    const after = await until('scheduler back with the quorum described', 60_000, async () => {
      const l = await controllers()
      return l.quorum && l.controllers.every((c) => c.state === 'running') ? l : undefined
    })
    expect(after.controllers.map((c) => c.task!.id)).toEqual(before.controllers.map((c) => c.task!.id))
    expect(after.controllers.map((c) => javaProcesses(c.task!.id))).toEqual(pids)
    expect(after.quorum!.voters.map((v) => v.id).sort()).toEqual(before.quorum!.voters.map((v) => v.id).sort())

    // every acknowledged message is still there
    const consumer = kafkaClient(brokers).consumer({ groupId: 'quorum-check' })
    await consumer.connect()
    await consumer.subscribe({ topic: 'quorum', fromBeginning: true })
    const got = new Set<string>()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${got.size} of ${produced.length}`)), 90_000)
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.add(message.value!.toString())
          if (got.size >= produced.length) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
    await consumer.disconnect()
    expect([...got].sort()).toEqual([...produced].sort())
  })
})
