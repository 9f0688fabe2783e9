/** KRaft quorum changes on real Kafka (KIP-853): controller add, replace and remove through the CLI. */
/**
 * Issue 7, dynamic quorum (KIP-853): a 1-controller quorum grows by one voter through the CLI
 * (`controller add`: placed on another host, formatted --no-initial-controllers, caught up as an
 * observer, then AddRaftVoter), produce/consume keep working; `controller replace` moves a voter to
 * the third host (add first, then RemoveRaftVoter of the old one), and `controller remove` shrinks
 * the quorum again (RemoveRaftVoter, then the controller is stopped). Refusals are clear.
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
  cluster = await startLocalCluster('qchange', 3, { controllers: 1 })
  api = cluster.api
})

afterAll(() => stopLocalCluster(cluster))

describe('changing the KRaft voter set through the CLI', () => {
  let brokers: string[] = []
  let sent = 0

  async function produceAndConsume(group: string): Promise<void> {
    const producer = kafkaClient(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const values: string[] = []
    for (let i = 0; i < 20; i++) {
      const value = `m-${sent++}`
      values.push(value)
      await producer.send({ topic: 'qchange', acks: -1, messages: [{ value }] })
    }
    await producer.disconnect()
    const consumer = kafkaClient(brokers).consumer({ groupId: group })
    await consumer.connect()
    await consumer.subscribe({ topic: 'qchange', fromBeginning: true })
    const got = new Set<string>()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${got.size} of ${sent}`)), 60_000)
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.add(message.value!.toString())
          if (got.size >= sent) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
    await consumer.disconnect()
    for (const v of values) expect(got.has(v)).toBe(true)
  }

  test('a 1-controller quorum and a broker come up; removing the only voter is refused', async () => {
    expect(cli(api, ['broker', 'add', '0', '--cpus', '0.5', '--mem', '768', '--heap', '256']).code).toBe(0)
    expect(cli(api, ['broker', 'start', '0', '--timeout', '180s']).code).toBe(0)
    const list = await until('a 1-voter quorum with a leader', 60_000, async () => {
      const l = await controllers()
      return l.quorum?.leaderId === 1_000_000 && l.quorum.voters.length === 1 ? l : undefined
    })
    expect(list.quorum!.voters[0].directoryId).toMatch(/^[A-Za-z0-9_-]{22}$/)

    const only = cli(api, ['controller', 'remove', '1000000'])
    expect(only.code).toBe(1)
    expect(only.stderr).toMatch(/Error: controller 1000000 is the only voter/)
    const unknown = cli(api, ['controller', 'remove', '42'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/Error: controller 42 not found/)

    brokers = (await listBrokers(api)).map((b) => b.task!.endpoint)
    const admin = kafkaClient(brokers).admin()
    await admin.connect()
    await createTopicsAndWait(admin, [{ topic: 'qchange', numPartitions: 1, replicationFactor: 1 }])
    await admin.disconnect()
    await produceAndConsume('g1')
  })

  test('controller add: a new voter on another host, caught up (lag 0); producing and consuming still work', async () => {
    const t0 = Date.now()
    const add = cli(api, ['controller', 'add', '--timeout', '3m'])
    process.stderr.write(`[qchange] controller add took ${Date.now() - t0} ms:\n${add.stdout}${add.stderr}`)
    expect(add.stderr).toBe('')
    expect(add.code).toBe(0)
    expect(add.stdout).toMatch(/controller 1000001 created/)
    expect(add.stdout).toMatch(/has caught up/)
    expect(add.stdout).toMatch(/controller 1000001 is a voter; voters: 1000000, 1000001/)

    const list = await until('2 voters, the new one caught up', 30_000, async () => {
      const l = await controllers()
      const v = l.quorum?.voters.find((x) => x.id === 1_000_001)
      return l.quorum?.voters.length === 2 && v?.lag === 0 ? l : undefined
    })
    const [first, second] = list.controllers
    expect(second.membership).toBeUndefined()
    expect(second.task!.hostname).not.toBe(first.task!.hostname) // distinct hosts
    expect(list.change!.phase).toBe('done')
    const human = cli(api, ['controller', 'list'])
    expect(human.stdout).toMatch(/last change: add 1000001: done/)
    await produceAndConsume('g2')
  })

  test('controller replace: a new voter on the third host first, then the old voter is removed and stopped', async () => {
    const before = await controllers()
    const old = before.controllers.find((c) => c.id === '1000001')!
    const rep = cli(api, ['controller', 'replace', '1000001', '--timeout', '3m'])
    process.stderr.write(`[qchange] controller replace:\n${rep.stdout}${rep.stderr}`)
    expect(rep.stderr).toBe('')
    expect(rep.code).toBe(0)
    expect(rep.stdout).toMatch(
      /controller 1000002 is a voter \(voters: 1000000, 1000001, 1000002\); removing voter 1000001/,
    )
    expect(rep.stdout).toMatch(/controller 1000001 is no longer a voter/)
    const after = await until('voters 1000000 and 1000002', 30_000, async () => {
      const l = await controllers()
      const ids = l.quorum?.voters.map((v) => v.id).sort()
      return ids?.join() === '1000000,1000002' &&
        l.controllers.length === 2 &&
        l.quorum!.voters.every((v) => v.lag === 0)
        ? l
        : undefined
    })
    const hosts = new Set([...after.controllers.map((c) => c.task!.hostname), old.task!.hostname])
    expect(hosts.size).toBe(3) // the new controller went to the one host without a controller
    await until('the replaced controller JVM is gone', 30_000, async () =>
      javaProcesses(old.task!.id).length === 0 ? true : undefined,
    )
    await produceAndConsume('g3')
  })

  test('controller remove: the voter set shrinks and the controller is stopped', async () => {
    const before = await controllers()
    const removed = before.controllers.find((c) => c.id === '1000002')!
    const rm = cli(api, ['controller', 'remove', '1000002', '--timeout', '2m'])
    process.stderr.write(`[qchange] controller remove:\n${rm.stdout}${rm.stderr}`)
    expect(rm.stderr).toBe('')
    expect(rm.code).toBe(0)
    expect(rm.stdout).toMatch(/controller 1000002 is no longer a voter/)
    const after = await until('1 voter left', 30_000, async () => {
      const l = await controllers()
      return l.quorum?.voters.length === 1 && l.controllers.length === 1 ? l : undefined
    })
    expect(after.quorum!.voters.map((v) => v.id)).toEqual([1_000_000])
    await until('the removed controller JVM is gone', 30_000, async () =>
      javaProcesses(removed.task!.id).length === 0 ? true : undefined,
    )
    await produceAndConsume('g4')
  })
})
