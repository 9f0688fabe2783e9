/** Brokers on reserved persistent volumes, end to end on the cluster core's RESERVE and CREATE. */
/**
 * Broker `--volume` on the cluster core's persistent volumes (mesos/kafka `Broker.scala` `--volume` and its offer matching; its bugs
 * #231/#225/#226): the scheduler runs in role `kafka`; the operator reserves disk on agent 2 for that
 * role and creates volume `kafka-0` (master operator API). `broker add 0 --volume kafka-$id` waits
 * ("no persistent volume kafka-0 offered") until the volume exists, then runs on agent 2 with its
 * log in the volume; a stop/start keeps the messages.
 */
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import { apiFetch, cli, kafkaClient, listBrokers, startLocalCluster, stopLocalCluster, until } from '../harness.js'
import { createTopicsAndWait } from '../support/topics.js'

let cluster: LocalCluster

beforeAll(async () => {
  cluster = await startLocalCluster('volume', 2, {
    frameworkRole: 'kafka',
    resources: 'cpus:2;mem:4096;disk:2000;ports:[31000-31999]',
  })
})

afterAll(() => stopLocalCluster(cluster))

async function operator(call: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`http://${cluster.master}/api/v1`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(call),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${call.type}: HTTP ${res.status} ${text}`)
  return text ? (JSON.parse(text) as Record<string, unknown>) : {}
}

async function consumeAll(brokers: string[], topic: string, n: number): Promise<string[]> {
  const consumer = kafkaClient(brokers).consumer({ groupId: `g-${Math.random()}` })
  await consumer.connect()
  await consumer.subscribe({ topic, fromBeginning: true })
  const got: string[] = []
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`consumed ${got.length} of ${n}`)), 60_000)
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.push(message.value!.toString())
          if (got.length >= n) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
  } finally {
    await consumer.disconnect()
  }
  return got
}

test('a broker with --volume waits for its persistent volume, runs on it, and keeps its data across stop/start', async () => {
  const api = cluster.api
  const add = cli(api, [
    'broker',
    'add',
    '0',
    '--volume',
    'kafka-$id',
    '--cpus',
    '0.5',
    '--mem',
    '1024',
    '--heap',
    '256',
  ])
  expect(add.stderr).toBe('')
  expect(add.stdout).toMatch(/volume:kafka-\$id/)
  expect(cli(api, ['broker', 'start', '0', '--timeout', '0']).code).toBe(0)
  await until('broker 0 to wait for its volume', 90_000, async () => {
    const l = (await (await apiFetch(`${api}/api/broker/list?broker=0`)).json()) as {
      brokers: Array<{ waiting?: { reason: string } }>
    }
    return l.brokers[0].waiting?.reason === 'no persistent volume kafka-0 offered' ? true : undefined
  })
  expect(cli(api, ['broker', 'list', '0']).stdout).toMatch(/no persistent volume kafka-0 offered/)

  // The operator reserves 500 MB of agent 2's disk for role kafka and creates the volume on it.
  const agents = (await operator({ type: 'GET_AGENTS' })) as {
    get_agents: { agents: Array<{ agent_info: { id: { value: string }; hostname: string } }> }
  }
  const agentId = agents.get_agents.agents.find((a) => a.agent_info.hostname === '127.0.1.2')!.agent_info.id
  const disk = {
    name: 'disk',
    type: 'SCALAR',
    scalar: { value: 500 },
    reservations: [{ type: 'DYNAMIC', role: 'kafka' }],
  }
  await operator({ type: 'RESERVE_RESOURCES', reserve_resources: { agent_id: agentId, resources: [disk] } })
  await operator({
    type: 'CREATE_VOLUMES',
    create_volumes: {
      agent_id: agentId,
      volumes: [{ ...disk, disk: { persistence: { id: 'kafka-0' }, volume: { container_path: 'data', mode: 'RW' } } }],
    },
  })

  const running = await until('broker 0 running', 120_000, async () =>
    (await listBrokers(api)).find((b) => b.task?.state === 'running'),
  )
  expect(running.task!.hostname).toBe('127.0.1.2')
  const volumeDir = join(cluster.options.workDir, 'agent-2', 'volumes', 'roles', 'kafka', 'kafka-0')
  const meta = join(volumeDir, 'kafka-logs', 'meta.properties')
  await until('meta.properties in the volume', 30_000, async () => (existsSync(meta) ? true : undefined))
  expect(readFileSync(meta, 'utf8')).toMatch(/^node\.id=0$/m)
  // the task took the volume whole: its disk is the volume's 500 MB
  const tasks = (await operator({ type: 'GET_TASKS' })) as {
    get_tasks: {
      tasks: Array<{
        task_id: { value: string }
        resources: Array<{ name: string; scalar?: { value: number }; disk?: { persistence?: { id: string } } }>
      }>
    }
  }
  const disks = tasks.get_tasks.tasks
    .find((t) => t.task_id.value === running.task!.id)!
    .resources.filter((r) => r.name === 'disk')
  expect(disks.map((d) => [d.disk?.persistence?.id, d.scalar?.value])).toEqual([['kafka-0', 500]])

  const brokers = [running.task!.endpoint]
  const admin = kafkaClient(brokers).admin()
  await admin.connect()
  await createTopicsAndWait(admin, [{ topic: 'kept', numPartitions: 1, replicationFactor: 1 }])
  await admin.disconnect()
  const producer = kafkaClient(brokers).producer({ createPartitioner: Partitioners.DefaultPartitioner })
  await producer.connect()
  for (let i = 0; i < 5; i++) await producer.send({ topic: 'kept', acks: -1, messages: [{ value: `m-${i}` }] })
  await producer.disconnect()
  expect(existsSync(join(volumeDir, 'kafka-logs', 'kept-0'))).toBe(true)

  const stop = cli(api, ['broker', 'stop', '0', '--timeout', '120s'])
  expect(stop.stderr).toBe('')
  const start = cli(api, ['broker', 'start', '0', '--timeout', '180s'])
  expect(start.stderr).toBe('')
  const [again] = await listBrokers(api)
  expect(again.task!.id).not.toBe(running.task!.id)
  expect(again.task!.hostname).toBe('127.0.1.2')
  expect(await consumeAll([again.task!.endpoint], 'kept', 5)).toEqual(['m-0', 'm-1', 'm-2', 'm-3', 'm-4'])
}, 300_000)
