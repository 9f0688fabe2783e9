/** The rolling restart on real Kafka under acks=all load: no acknowledged message lost. */
/**
 * Rolling restart end to end on real Kafka (one local cluster for the file): `broker restart`
 * (mesos/kafka's `broker restart`, `BrokerApi.scala`) restarts 3 brokers one at a time while a producer with acks=all writes without
 * pause; every acknowledged message is consumed afterwards, and each broker runs a new task.
 * Strimzi's rule: a broker whose absence would leave a partition under min.insync.replicas is not stopped.
 */
import { execFile, execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Partitioners, type Producer } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import {
  apiFetch,
  BIN,
  type CliResult,
  cli,
  kafkaClient,
  listBrokers,
  startLocalCluster,
  stopLocalCluster,
} from '../harness.js'
import { createTopicsAndWait } from '../support/topics.js'

let cluster: LocalCluster
let api = ''

beforeAll(async () => {
  cluster = await startLocalCluster('rolling')
  api = cluster.api
})

afterAll(() => stopLocalCluster(cluster))

/** The CLI in a child process without blocking this event loop (the producer keeps running). */
function cliAsync(args: string[], timeoutMs = 600_000): Promise<CliResult> {
  const token = cluster.apiAuth?.token
  const env: NodeJS.ProcessEnv = { ...process.env, KM_API: api, ...(token ? { KM_TOKEN: token } : {}) }
  delete env.NODE_ENV
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env, timeout: timeoutMs, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr })
      },
    )
  })
}

const endpoints = async () =>
  (await listBrokers(api)).filter((b) => b.task?.state === 'running').map((b) => b.task!.endpoint)

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await probe().catch(() => undefined)
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** ISR == replicas for every partition of `topic`. */
async function inSync(topic: string): Promise<boolean> {
  const admin = kafkaClient(await endpoints()).admin()
  await admin.connect()
  try {
    const meta = await admin.fetchTopicMetadata({ topics: [topic] })
    return meta.topics[0].partitions.every((p) => p.isr.length === p.replicas.length)
  } finally {
    await admin.disconnect()
  }
}

describe('broker restart: a rolling restart on real Kafka', () => {
  test('3 brokers and a topic with RF 3, min.insync.replicas=2', async () => {
    expect(cli(api, ['broker', 'add', '0..2', '--cpus', '0.5', '--mem', '768', '--heap', '256']).code).toBe(0)
    const start = cli(api, ['broker', 'start', '0..2', '--timeout', '180s'])
    expect(start.stderr).toBe('')
    const admin = kafkaClient(await endpoints()).admin()
    await admin.connect()
    await createTopicsAndWait(admin, [
      {
        topic: 'roll',
        numPartitions: 3,
        replicationFactor: 3,
        configEntries: [{ name: 'min.insync.replicas', value: '2' }],
      },
    ])
    await admin.disconnect()
  })

  test('bad requests are refused before anything restarts; a broker whose absence breaks min ISR is not stopped', async () => {
    expect(cli(api, ['broker', 'restart', '7']).stderr).toMatch(/^Error: broker 7 not found/m)
    const res = await apiFetch(`${api}/api/broker/restart`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'broker=0&timeout=soon',
    })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: string }).error).toMatch(/^timeout: /)

    const before = await listBrokers(api)
    expect(cli(api, ['broker', 'stop', '2']).code).toBe(0)
    expect(cli(api, ['broker', 'restart', '2']).stderr).toMatch(/^Error: broker 2 is not active/m)
    // with broker 2 down every ISR is [0,1] = min.insync.replicas: stopping 0 would block acks=all writes
    const blocked = cli(api, ['broker', 'restart', '0', '--timeout', '8s'])
    expect(blocked.code).toBe(1)
    expect(blocked.stdout).toMatch(/broker 0 waits before stopping: .*roll-\d would drop under min.insync.replicas=2/)
    expect(blocked.stderr).toMatch(/^Error: broker 0 timeout on replication: .*would drop under min.insync.replicas=2/m)
    const after = await listBrokers(api)
    expect(after.find((b) => b.id === '0')!.task!.id).toBe(before.find((b) => b.id === '0')!.task!.id) // not touched
    expect(cli(api, ['broker', 'start', '2', '--timeout', '180s']).code).toBe(0)
    await until('partitions back in sync', async () => ((await inSync('roll')) ? true : undefined), 120_000)
  })

  test('rolling restart of 3 brokers under acks=all load: every acknowledged message is consumed, each broker has a new task', async () => {
    // the usual reason for a roll: a changed setting that needs a restart (num.partitions is read-only in Kafka)
    const update = cli(api, ['broker', 'update', '0..2', '--options', 'num.partitions=2'])
    expect(update.stdout).toMatch(/state: running \(modified, needs restart\)/)
    const before = await listBrokers(api)
    const kafka = kafkaClient(await endpoints())
    const producer: Producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 10, initialRetryTime: 200 },
    })
    await producer.connect()
    const acked: string[] = []
    let failedSends = 0
    let stop = false
    const tag = `roll-${Date.now()}`
    const writer = (async () => {
      for (let batch = 0; !stop; batch++) {
        const values = Array.from({ length: 10 }, (_, i) => `${tag}-${batch}-${i}`)
        try {
          // One partition per send: kafkajs 2.2.4 can resolve a multi-leader send whose retry skipped a
          // partition that moved to a broker that had already answered (tulios/kafkajs PR #1798, open):
          // "acknowledged" messages that were never written. Seen here before this workaround.
          await producer.send({
            topic: 'roll',
            acks: -1,
            timeout: 10_000,
            messages: values.map((value) => ({ key: value, value, partition: batch % 3 })),
          })
          acked.push(...values)
        } catch {
          failedSends++ // not acknowledged: these may or may not be stored, and are not counted
        }
        await new Promise((r) => setTimeout(r, 20))
      }
    })()

    const restart = await cliAsync(['broker', 'restart', '0..2', '--timeout', '4m'])
    process.stderr.write(
      restart.stdout
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith(' '))
        .map((l) => `[rolling] ${l}\n`)
        .join(''),
    )
    const ackedDuringRoll = acked.length
    stop = true
    await writer
    await producer.disconnect()
    expect(restart.stderr).toBe('')
    expect(restart.code).toBe(0)
    for (const id of [0, 1, 2]) {
      expect(restart.stdout).toMatch(new RegExp(`^stopping broker ${id}$`, 'm'))
      expect(restart.stdout).toMatch(new RegExp(`^broker ${id} running: task `, 'm'))
      expect(restart.stdout).toMatch(new RegExp(`^broker ${id}: every partition in sync$`, 'm'))
    }
    expect(restart.stdout.indexOf('stopping broker 1')).toBeGreaterThan(
      restart.stdout.indexOf('broker 0: every partition in sync'),
    )
    expect(restart.stdout).toMatch(/^brokers restarted:/m)
    expect(ackedDuringRoll).toBeGreaterThan(100)
    process.stderr.write(
      `[rolling] ${acked.length} messages acknowledged, ${failedSends} sends failed during the roll\n`,
    )

    const after = await listBrokers(api)
    expect(after.map((b) => b.state)).toEqual(['running', 'running', 'running'])
    for (const b of after) expect(b.task!.id).not.toBe(before.find((x) => x.id === b.id)!.task!.id)
    expect(cli(api, ['broker', 'list']).stdout).not.toMatch(/needs restart/)
    for (const b of after) {
      const sandbox = execFileSync(
        'find',
        [cluster.options.workDir, '-type', 'd', '-path', `*/slaves/*/executors/${b.task!.id}/runs/*`, '-prune'],
        { encoding: 'utf8' },
      )
        .trim()
        .split('\n')[0]
      expect(readFileSync(join(sandbox, 'server.properties'), 'utf8')).toMatch(/^num\.partitions=2$/m)
    }

    const consumer = kafkaClient(await endpoints()).consumer({
      groupId: `g-${tag}`,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    })
    await consumer.connect()
    await consumer.subscribe({ topic: 'roll', fromBeginning: true })
    const got = new Set<string>()
    const want = new Set(acked)
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `consumed ${[...want].filter((v) => got.has(v)).length} of ${want.size} acknowledged messages in 120 s`,
            ),
          ),
        120_000,
      )
      let seen = 0
      void consumer.run({
        eachMessage: async ({ message }) => {
          const v = message.value!.toString()
          if (want.has(v) && !got.has(v)) {
            got.add(v)
            seen++
          }
          if (seen >= want.size) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
    await consumer.disconnect()
    expect(got.size).toBe(want.size)
  })
})
