/** Broker logs and metrics on real Kafka, through framework messages to the brokers' executors. */
/**
 * End to end, on real Kafka: `broker log` and `broker metrics` through framework messages
 * (scheduler → master → agent → executor and back). Two brokers on one local cluster: server.log and
 * stdout lines with --lines, a clear error for a missing file and for an executor that does not
 * answer, metrics from the Jolokia agent in the broker JVM (MessagesInPerSec rising after a produce,
 * UnderReplicatedPartitions 0, the controller's ActiveControllerCount), --filter, the metrics each
 * broker reports by itself in broker list, and an agent that refuses anything but reads.
 */
import { execFileSync } from 'node:child_process'
import { readlinkSync } from 'node:fs'
import { type Kafka, Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import { apiFetch, cli, kafkaClient, listBrokers, startLocalCluster, stopLocalCluster, until } from '../harness.js'

let cluster: LocalCluster | undefined
let api = ''
let kafka: Kafka
let jolokiaUrl = ''

function ok(args: string[]): string {
  const r = cli(api, args, 120_000)
  if (r.code !== 0) throw new Error(`kafka-mesos ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return r.stdout
}

type MetricsAnswer = { metrics: Record<string, Record<string, number>>; errors: Record<string, string> }
function metrics(args: string[]): MetricsAnswer {
  return JSON.parse(ok(['broker', 'metrics', ...args, '--json'])) as MetricsAnswer
}

const MESSAGES_IN = 'kafka.server,BrokerTopicMetrics,MessagesInPerSec_count'
const sumOf = (m: MetricsAnswer, key: string) => Object.values(m.metrics).reduce((s, x) => s + (x[key] ?? 0), 0)

beforeAll(async () => {
  cluster = await startLocalCluster('observe', 2)
  api = cluster.api
  ok(['broker', 'add', '0..1', '--cpus', '0.5', '--mem', '768', '--heap', '256'])
  ok(['broker', 'start', '0..1', '--timeout', '4m'])
  const brokers = await listBrokers(api)
  kafka = kafkaClient(brokers.map((b) => b.task!.endpoint))
})

afterAll(async () => {
  await stopLocalCluster(cluster)
})

describe('broker log', () => {
  test('server.log and stdout: real Kafka lines, exactly --lines of them', () => {
    const server = ok(['broker', 'log', '0', '--name', 'server.log', '--lines', '2000'])
    expect(server).toMatch(/^\[\d{4}-\d\d-\d\d [\d:,]+\] INFO /m)
    expect(server).toContain('Kafka Server started')
    expect(ok(['broker', 'log', '0', '--name', 'server.log', '--lines', '5']).trimEnd().split('\n')).toHaveLength(5)

    const stdout = ok(['broker', 'log', '1', '--lines', '2000']) // default --name stdout: the JVM's console
    expect(stdout).toMatch(/Jolokia: Agent [\d.]+ started with URL http:\/\/127\.0\.0\.1:\d+\/jolokia/)
    expect(ok(['broker', 'log', '1', '--lines', '3']).trimEnd().split('\n')).toHaveLength(3)
    jolokiaUrl = /started with URL (\S+)/.exec(stdout)![1]

    const both = JSON.parse(ok(['broker', 'log', '0..1', '--name', 'server.log', '--lines', '1', '--json'])) as Record<
      string,
      { status: string; content: string }
    >
    expect(Object.keys(both)).toEqual(['0', '1'])
    expect(both['1'].status).toBe('ok')
  })

  test('a missing file, a bad name and a bad --lines say what is wrong', async () => {
    const missing = cli(api, ['broker', 'log', '0', '--name', 'nope.log'])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(
      /^Error: broker 0: nope\.log doesn't exist in the Kafka log dir kafka-logs-out\/ \(there: .*server\.log.*\)$/m,
    )
    const bad = cli(api, ['broker', 'log', '0', '--name', 'server.properties'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain("server.properties doesn't end with .log")
    const res = await apiFetch(`${api}/api/broker/log?broker=0&lines=0`)
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toBe(
      'lines: expected a whole number of at least 1 such as 100, got "0"',
    )
  })

  test('an executor that does not answer gives a timeout, not a hang', () => {
    // Freeze broker 1's executor (the node process in its sandbox) so the message is never answered.
    const taskId = JSON.parse(ok(['broker', 'list', '1', '--json'])).brokers[0].task.id as string
    const pids = execFileSync('pgrep', ['-f', 'kafka-mesos-executor.cjs'], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number)
    const pid = pids.find((p) => {
      try {
        return readlinkSync(`/proc/${p}/cwd`).includes(taskId)
      } catch {
        return false
      }
    })
    expect(pid).toBeDefined()
    process.kill(pid!, 'SIGSTOP')
    try {
      const t0 = Date.now()
      const r = cli(api, ['broker', 'log', '1', '--timeout', '2s'])
      expect(r.code).toBe(1)
      expect(r.stderr.trim()).toBe('Error: broker 1 log retrieve timeout (2s)')
      expect(Date.now() - t0).toBeLessThan(15_000)
    } finally {
      process.kill(pid!, 'SIGCONT')
    }
  })
})

describe('broker metrics', () => {
  test('MessagesInPerSec rises after producing; nothing under-replicated; --filter; the controller counts itself active', async () => {
    const admin = kafka.admin()
    await admin.connect()
    try {
      await admin.createTopics({
        topics: [{ topic: 'observed', numPartitions: 2, replicationFactor: 2 }],
        waitForLeaders: true,
      })
    } finally {
      await admin.disconnect()
    }
    // Each running broker reports its metrics by itself (at start, then every 60 s): broker list shows them.
    const listed = await until('broker list to show reported metrics', 30_000, async () => {
      const b = (
        JSON.parse(ok(['broker', 'list', '0', '--json'])) as { brokers: Array<{ metrics?: Record<string, number> }> }
      ).brokers[0]
      return b.metrics && b.metrics.timestamp > 0 ? b.metrics : undefined
    })
    expect(listed['kafka.server,ReplicaManager,UnderReplicatedPartitions']).toBe(0)
    expect(ok(['broker', 'list', '0'])).toMatch(
      /\n {2}metrics:\n {4}collected: \d{4}-\d\d-\d\d [\d:.]+\n {4}under-replicated-partitions: 0\n/,
    )

    const before = metrics(['*'])
    expect(Object.keys(before.metrics)).toEqual(['0', '1'])
    expect(before.errors).toEqual({})

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    try {
      for (let i = 0; i < 60; i++)
        await producer.send({ topic: 'observed', acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }] })
    } finally {
      await producer.disconnect()
    }
    const after = await until('MessagesInPerSec to count the 60 messages', 30_000, async () => {
      const m = metrics(['*'])
      return sumOf(m, MESSAGES_IN) >= sumOf(before, MESSAGES_IN) + 60 ? m : undefined
    })
    for (const id of ['0', '1']) {
      const m = after.metrics[id]
      expect(m['kafka.server,ReplicaManager,UnderReplicatedPartitions']).toBe(0)
      expect(m['kafka.server,ReplicaManager,UnderMinIsrPartitionCount']).toBe(0)
      expect(m.timestamp).toBeGreaterThan(before.metrics[id].timestamp)
    }
    expect(
      Object.values(after.metrics).some(
        (m) => (m['kafka.network,RequestMetrics,TotalTimeMs,request=Produce_count'] ?? 0) > 0,
      ),
    ).toBe(true)
    expect(
      Object.values(after.metrics).some(
        (m) => m['kafka.network,RequestMetrics,TotalTimeMs,request=Produce_p99'] !== undefined,
      ),
    ).toBe(true)

    const filtered = metrics(['0', '--filter', '.*UnderReplicatedPartitions', '--filter', '.*MessagesInPerSec'])
    expect(Object.keys(filtered.metrics['0']).sort()).toEqual([
      'kafka.server,BrokerTopicMetrics,MessagesInPerSec',
      'kafka.server,ReplicaManager,UnderReplicatedPartitions',
      'timestamp',
    ])

    const withControllers = metrics([
      '*',
      '--controllers',
      '--filter',
      'kafka.controller,KafkaController,(ActiveControllerCount|OfflinePartitionsCount)',
    ])
    const ctl = Object.entries(withControllers.metrics).filter(([id]) => Number(id) >= 1_000_000)
    expect(ctl).toHaveLength(1)
    expect(ctl[0][1]['kafka.controller,KafkaController,ActiveControllerCount']).toBe(1)
    expect(ctl[0][1]['kafka.controller,KafkaController,OfflinePartitionsCount']).toBe(0)

    const table = ok(['broker', 'metrics', '0..1', '--filter', '.*UnderReplicatedPartitions'])
    expect(table).toMatch(/metric\s+│ broker 0\s+│ broker 1/)
    expect(table).toMatch(/kafka\.server,ReplicaManager,UnderReplicatedPartitions\s+│ 0\s+│ 0/)
    // The agent only reads: invoking an operation or writing an attribute is refused (policy file).
    const exec = (await (
      await fetch(`${jolokiaUrl}/`, {
        method: 'POST',
        body: JSON.stringify({ type: 'exec', mbean: 'java.lang:type=Memory', operation: 'gc' }),
      })
    ).json()) as { status: number }
    expect(exec.status).toBe(403)
    const bad = cli(api, ['broker', 'metrics', '0', '--filter', '('])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^Error: filter: invalid regular expression "\(":/)
  })
})
