/** Topics, rebalance, realign, leader election and quotas on real Kafka, checked with Kafka's own tools. */
/**
 * End to end, on real Kafka through our own cluster: topics created through the CLI get Kafka's
 * computed assignment, the partitions table, Kafka's refusals as 400s, rebalance onto a 4th broker
 * with no message lost and its progress in bytes, a replication-factor change, rebalance cancel,
 * client quotas read back with Kafka's own Java client, and preferred-leader election after a
 * broker restart. One local cluster for the file.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Admin, type Kafka, Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import { assignReplicas } from '../../scheduler/kafka/assignment.js'
import { apiFetch, cli, javaProcesses, kafkaClient, listBrokers, ROOT, startLocalCluster } from '../harness.js'

let cluster: LocalCluster
let api = ''
let kafka: Kafka
let admin: Admin

async function endpoints(): Promise<string[]> {
  return (await listBrokers(api)).filter((b) => b.task?.state === 'running').map((b) => b.task!.endpoint)
}

function ok(args: string[]): string {
  const r = cli(api, args)
  if (r.code !== 0) throw new Error(`kafka-mesos ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`)
  return r.stdout
}

async function assignmentOf(topic: string): Promise<Record<number, number[]>> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [topic] })
  return Object.fromEntries(topics[0].partitions.map((p) => [p.partitionId, p.replicas]))
}

async function post(
  path: string,
  params: Record<string, string>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await apiFetch(`${api}/api/${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  })
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

/** Polls `check` every 500 ms until it returns true or `ms` pass; then fails with `what`. */
async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

beforeAll(async () => {
  cluster = await startLocalCluster('topics')
  api = cluster.api
  ok(['broker', 'add', '0..2', '--cpus', '0.5', '--mem', '768', '--heap', '256'])
  ok(['broker', 'start', '0..2', '--timeout', '4m'])
  kafka = kafkaClient(await endpoints())
  admin = kafka.admin()
  await admin.connect()
})

afterAll(async () => {
  await admin?.disconnect().catch(() => undefined)
  if (!cluster) return
  const workDir = cluster.options.workDir
  await cluster.stop()
  expect(javaProcesses(workDir)).toEqual([])
})

describe('topics through the Admin API', () => {
  test('topic add through the CLI: Kafka holds exactly the computed assignment; list, partitions, update, --json', async () => {
    const out = ok([
      'topic',
      'add',
      't',
      '--broker',
      '0..2',
      '--partitions',
      '6',
      '--replicas',
      '2',
      '--fixedStartIndex',
      '0',
    ])
    expect(out).toMatch(/^topic added:\n {2}name: t\n {2}partitions: 0:\[0,1\], 1:\[1,2\]/)
    expect(await assignmentOf('t')).toEqual(
      assignReplicas({ brokers: [0, 1, 2], partitions: 6, replicas: 2, fixedStartIndex: 0 }),
    )

    const table = ok(['topic', 'partitions', 't']).trimEnd().split('\n')
    expect(table[0]).toBe('      part | leader | expected | brokers (*not-isr)')
    expect(table[1]).toBe('  t:')
    expect(table).toHaveLength(8)
    expect(table[2]).toMatch(/^ {4}[ !] {4}0 \| +\d \| +0 \| \[\*?0, \*?1\]$/)

    ok(['topic', 'update', 't', '--options', 'retention.ms=3600000'])
    const list = JSON.parse(ok(['topic', 'list', 't', '--json'])) as {
      topics: Array<{ name: string; options: Record<string, string> }>
    }
    expect(list.topics).toHaveLength(1)
    expect(list.topics[0].options).toEqual({ 'retention.ms': '3600000' })
    expect(ok(['topic', 'list', '*', '--quiet'])).toBe('topic:\n  t\n')

    const parts = (await apiFetch(`${api}/api/partition/list?topic=t`).then((r) => r.json())) as Record<
      string,
      Array<{ id: number; expectedLeader: number; replicas: number[] }>
    >
    expect(parts.t.map((p) => p.expectedLeader)).toEqual([0, 1, 2, 0, 1, 2])
  })

  test('bad input: unknown topic, replicas > brokers, bad option are 400 with the reason; CLI Error: and exit 1', async () => {
    const unknown = await post('topic/update', { topic: 'nope', options: 'retention.ms=1' })
    expect(unknown).toMatchObject({ status: 400, body: { error: 'Topic nope not found' } })
    const rf = await post('topic/add', { topic: 'x', replicas: '4' })
    expect(rf.status).toBe(400)
    expect(rf.body.error).toBe('replicas: Replication factor: 4 larger than available brokers: 3.')
    const opt = await post('topic/add', { topic: 'x', options: 'retention.ms=abc,flush.ms=10' })
    expect(opt.status).toBe(400)
    expect(opt.body.error).toMatch(/^options: Kafka rejects retention\.ms=abc \(INVALID_CONFIG/)
    const del = await post('topic/delete', { topic: 'nope,t' })
    expect(del).toMatchObject({ status: 400, body: { error: 'topic(s) not found nope' } })
    const broker = await post('topic/add', { topic: 'x', broker: '7' })
    expect(broker.status).toBe(400)
    expect(broker.body.error).toMatch(/^broker: 7 is not running in Kafka/)

    const r = cli(api, ['topic', 'add', 'x', '--replicas', '5'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/^Error: replicas: Replication factor: 5 larger than available brokers: 3\.$/m)
    expect((await admin.listTopics()).filter((t) => !t.startsWith('__'))).toEqual(['t'])
  })

  test('4th broker: rebalance t --broker 0..3 gives the computed assignment, status running -> done, every message still readable', async () => {
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    // ~24 MB, so that moving it takes long enough to be seen running
    const pad = 'x'.repeat(10_000)
    const sent = Array.from({ length: 2400 }, (_, i) => `m-${i}`)
    for (let i = 0; i < sent.length; i += 50) {
      await producer.send({
        topic: 't',
        acks: -1,
        messages: sent.slice(i, i + 50).map((value, j) => ({ key: String(i + j), value: `${value} ${pad}` })),
      })
    }
    await producer.disconnect()

    ok(['broker', 'add', '3', '--cpus', '0.5', '--mem', '768', '--heap', '256'])
    ok(['broker', 'start', '3', '--timeout', '4m'])

    const dry = ok(['topic', 'rebalance', 't', '--broker', '0..3', '--fixedStartIndex', '0', '--dry-run'])
    // 4 moves; broker 3 takes in p2, p3 and p5 and broker 2 p4: 4 new copies of ~4 MB partitions
    expect(dry).toMatch(/^Rebalance dry-run: 4 partition moves, \d+\.\d MB to copy, nothing changed:\nt\n/)
    const target = assignReplicas({ brokers: [0, 1, 2, 3], partitions: 6, replicas: 2, fixedStartIndex: 0 })
    expect(await assignmentOf('t')).not.toEqual(target) // the dry run changed nothing

    // 2 MiB/s per broker: broker 3 takes in 3 partitions (p2, p3, p5: about 12 MB), so the moves take seconds
    const t0 = Date.now()
    type Progress = { partitions: { done: number; total: number }; bytes: { moved: number; total: number } }
    const started = JSON.parse(
      ok(['topic', 'rebalance', 't', '--broker', '0..3', '--fixedStartIndex', '0', '--throttle', '2', '--json']),
    ) as {
      status: string
      moves: Array<{ partition: number; to: number[]; from: number[]; state: string }>
      throttle: { bytesPerSec: number } | null
      progress: Progress
    }
    expect(started.status).toBe('started')
    expect(started.progress.partitions.total).toBe(4)
    expect(started.progress.bytes.total).toBeGreaterThan(12e6)
    expect(started.throttle?.bytesPerSec).toBe(2 * 1024 * 1024)
    expect(started.moves.map((m) => m.partition)).toEqual([2, 3, 4, 5])
    const seen = new Set<string>(started.moves.map((m) => m.state))
    const again = await post('topic/rebalance', { topic: 't', broker: '0..3' })
    expect(again.status).toBe(400)
    expect(again.body.error).toMatch(/^rebalance is already running/)
    let last: { status: string; moves: Array<{ state: string }>; throttle: unknown; progress: Progress } = {
      status: '',
      moves: [],
      throttle: null,
      progress: started.progress,
    }
    const midway: Progress[] = []
    await until('rebalance status idle with every partition done', 120_000, async () => {
      last = (await (await apiFetch(`${api}/api/topic/rebalance`)).json()) as typeof last
      for (const m of last.moves) seen.add(m.state)
      if (last.progress.bytes.moved > 0 && last.progress.bytes.moved < last.progress.bytes.total)
        midway.push(last.progress)
      return last.status === 'idle' && last.moves.every((m) => m.state === 'done')
    })
    const seconds = (Date.now() - t0) / 1000
    expect(seen.has('running')).toBe(true)
    // live progress: bytes copied rose through the move and end at the total
    process.stderr.write(
      `[topics] progress seen midway: ${midway.map((p) => `${p.partitions.done}/${p.partitions.total} ${(p.bytes.moved / 1e6).toFixed(1)}/${(p.bytes.total / 1e6).toFixed(1)} MB`).join(', ')}\n`,
    )
    expect(midway.length).toBeGreaterThan(2)
    expect(midway.map((p) => p.bytes.moved)).toEqual([...midway.map((p) => p.bytes.moved)].sort((a, b) => a - b))
    expect(last.progress).toEqual({
      partitions: { done: 4, total: 4 },
      bytes: { moved: started.progress.bytes.total, total: started.progress.bytes.total },
    })
    expect(last.throttle).toBeNull()
    // measured rate into broker 3 (the busiest destination) is about the throttle, far below an unthrottled local copy
    const offsets = await admin.fetchTopicOffsets('t')
    const messagesInto3 = offsets
      .filter((o) => [2, 3, 5].includes(o.partition))
      .reduce((n, o) => n + Number(o.high) - Number(o.low), 0)
    const rate = (messagesInto3 * 10_010) / seconds / (1024 * 1024)
    process.stderr.write(
      `[topics] throttled move: ${((messagesInto3 * 10_010) / 1e6).toFixed(1)} MB into broker 3 in ${seconds.toFixed(1)} s = ${rate.toFixed(2)} MiB/s (throttle 2)\n`,
    )
    expect(rate).toBeLessThan(3)
    expect(rate).toBeGreaterThan(0.5)
    // and the throttle configs are gone
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [...[0, 1, 2, 3].map((b) => ({ type: 4, name: String(b) })), { type: 2, name: 't' }],
    })
    for (const r of configs.resources) {
      const throttled = r.configEntries.filter(
        (e) => /replication\.throttled/.test(e.configName) && (e.configSource === 1 || e.configSource === 2),
      )
      expect(throttled, `${r.resourceName}`).toEqual([])
    }
    expect(ok(['topic', 'rebalance', 'status'])).toMatch(
      /^Rebalance is idle:\nt\n {2}2: 2,0 -> 2,3 - done\n[\s\S]*\nprogress: 4\/4 partitions moved, (\d+\.\d) of \1 MB copied \(100%\)\n$/,
    )
    expect(await assignmentOf('t')).toEqual(target)

    const consumer = kafka.consumer({ groupId: `g-${Date.now()}`, sessionTimeout: 10_000, heartbeatInterval: 1000 })
    await consumer.connect()
    await consumer.subscribe({ topic: 't', fromBeginning: true })
    const got = new Set<string>()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${got.size} of ${sent.length} messages in 90 s`)), 90_000)
      void consumer.run({
        eachMessage: async ({ message }) => {
          got.add(message.value!.toString().split(' ')[0])
          if (got.size >= sent.length) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
    await consumer.disconnect()
    expect([...got].sort()).toEqual([...sent].sort())
  })

  test('rebalance --replicas 3 on an RF-1 topic ends with RF 3 and a full ISR; realign then has nothing to do', async () => {
    ok(['topic', 'add', 'r', '--broker', '0..2', '--partitions', '3', '--replicas', '1'])
    const out = ok(['topic', 'rebalance', 'r', '--broker', '0..2', '--replicas', '3', '--timeout', '2m'])
    // the wait prints progress lines as it goes, then mesos/kafka's answer
    expect(out).toMatch(/^(\d\/3 partitions moved, [\d.]+ of [\d.]+ MB copied.*\n)+Rebalance completed:\nr\n/)
    expect(out).toMatch(/\nprogress: 3\/3 partitions moved/)
    await until('full ISR on every partition of r', 60_000, async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['r'] })
      return topics[0].partitions.every((p) => p.replicas.length === 3 && p.isr.length === 3)
    })
    expect(ok(['topic', 'partitions', 'r'])).not.toMatch(/!/)
    expect(ok(['topic', 'realign', 'r', '--broker', '0..2'])).toBe('Realign idle (no-op)\n')
    ok(['topic', 'delete', 'r'])
    expect(await admin.listTopics()).not.toContain('r')
  })
})

describe('operations audit log', () => {
  test('every mutating call is appended beside the state, with who, what and the result; log ops shows it', async () => {
    const { ops } = (await (await apiFetch(`${api}/api/log/ops?limit=10000`)).json()) as {
      ops: Array<{
        op: string
        who: { user: string | null; address: string | null }
        params: Record<string, string>
        result: string
        status: number
        error?: string
      }>
    }
    const add = ops.find((o) => o.op === 'topic/add' && o.params.topic === 't')
    expect(add).toMatchObject({ result: 'ok', status: 200, params: { topic: 't', partitions: '6', replicas: '2' } })
    expect(add?.who.user).toBeTruthy()
    expect(add?.who.address).toMatch(/127\.0\.0\.1/)
    expect(ops.find((o) => o.op === 'topic/update' && o.params.topic === 'nope')).toMatchObject({
      result: 'error',
      status: 400,
      error: 'Topic nope not found',
    })
    expect(ops.some((o) => o.op === 'broker/start')).toBe(true)
    expect(ops.some((o) => o.op.endsWith('/list') || o.params.topic === 'status')).toBe(false) // reads are not logged
    const lines = readFileSync(join(cluster.options.workDir, 'kafka-mesos.json.ops.jsonl'), 'utf8').trim().split('\n')
    expect(lines.length).toBe(ops.length)

    const out = ok(['log', 'ops', '--limit', '3']).trimEnd().split('\n')
    expect(out).toHaveLength(3)
    expect(out.at(-1)).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} {2}\S+@\S+ {2}topic\/delete topic=r {2}ok$/)
  })
})

describe('past mesos/kafka: rebalance cancel, client quotas, preferred-leader election', () => {
  const KAFKA_LIBS = join(ROOT, '.cache', 'kafka', 'kafka_2.13-4.4.0', 'libs')

  test('topic rebalance cancel: Kafka puts the partitions back, no reassignment runs, the throttle is gone', async () => {
    const before = await assignmentOf('t')
    // back onto 3 brokers at 0.1 MB/s: the copies take minutes, so the moves are still running when cancelled
    const started = JSON.parse(
      ok(['topic', 'rebalance', 't', '--broker', '0..2', '--fixedStartIndex', '0', '--throttle', '0.1', '--json']),
    ) as { status: string; moves: unknown[] }
    expect(started.status).toBe('started')
    expect((await admin.listPartitionReassignments({})).topics.length).toBeGreaterThan(0)

    const out = ok(['topic', 'rebalance', 'cancel'])
    expect(out).toMatch(/^Rebalance cancelled:\nt\n( {2}\d: [\d,]+ -> [\d,]+ - (cancelled|done)\n)+progress: /)
    expect((await admin.listPartitionReassignments({})).topics).toEqual([])
    let now = {}
    await until(
      'the assignment from before the rebalance',
      15_000,
      async () => JSON.stringify((now = await assignmentOf('t'))) === JSON.stringify(before),
    ).catch((e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(before)}, now ${JSON.stringify(now)}`)
    })
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [...[0, 1, 2, 3].map((b) => ({ type: 4, name: String(b) })), { type: 2, name: 't' }],
    })
    for (const r of configs.resources) {
      expect(
        r.configEntries.filter(
          (e) => /replication\.throttled/.test(e.configName) && (e.configSource === 1 || e.configSource === 2),
        ),
        r.resourceName,
      ).toEqual([])
    }
    const nothing = cli(api, ['topic', 'rebalance', 'cancel'])
    expect(nothing.code).toBe(1)
    expect(nothing.stderr).toMatch(/^Error: no rebalance is running/m)
  })

  test("quota set -> list through the CLI, read back with Kafka's own Java Admin client; bad input names the field", async () => {
    expect(ok(['quota', 'set', 'app-1', '--producer-byte-rate', '1048576', '--consumer-byte-rate', '2097152'])).toMatch(
      /^quotas set:\n[\s\S]*│ app-1 +│ 1048576 +│ 2097152 +│ - +│/,
    )
    ok(['quota', 'set', 'alice', '--users', '--request-percentage', '50'])
    ok(['quota', 'set', '<default>', '--consumer-byte-rate', '10485760'])
    ok(['quota', 'set', 'app-1', '--consumer-byte-rate', '']) // "" removes one quota, the other stays

    const table = ok(['quota', 'list'])
    expect(table).toMatch(/│ client id +│ producer_byte_rate +│ consumer_byte_rate +│ request_percentage +│/)
    expect(table).toMatch(/│ app-1 +│ 1048576 +│ - +│ - +│/)
    expect(JSON.parse(ok(['quota', 'list', '--json']))).toEqual({
      'app-1': { producer_byte_rate: 1048576 },
      '<default>': { consumer_byte_rate: 10485760 },
    })
    expect(JSON.parse(ok(['quota', 'list', 'alice', '--users', '--json']))).toEqual({
      alice: { request_percentage: 50 },
    })

    const java = spawnSync(
      'java',
      [
        '-Xmx128m',
        '-cp',
        `${KAFKA_LIBS}/*`,
        join(ROOT, 'test', 'e2e', 'fixtures', 'DescribeClientQuotas.java'),
        (await endpoints()).join(','),
      ],
      { encoding: 'utf8', timeout: 60_000 },
    )
    expect(java.status, java.stderr).toBe(0)
    expect(java.stdout.trim().split('\n')).toEqual([
      'client-id=<default> consumer_byte_rate=1.048576E7',
      'client-id=app-1 producer_byte_rate=1048576.0',
      'user=alice request_percentage=50.0',
    ])

    const bad = cli(api, ['quota', 'set', 'app-1', '--producer-byte-rate', 'fast'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^Error: producerByteRate: invalid quotas: expected a whole number of bytes\/s/m)
    expect(await post('quota/set', { entityType: 'topics', entity: 'x', producerByteRate: '1' })).toMatchObject({
      status: 400,
      body: { error: 'entityType: invalid entity type "topics": expected clients or users' },
    })
    expect(await post('quota/set', { entity: 'x' })).toMatchObject({
      status: 400,
      body: { error: expect.stringMatching(/invalid quotas: give at least one/) },
    })
  })

  test('topic elect-leaders moves leadership back to the preferred replica after a broker restart', async () => {
    ok(['topic', 'add', 'e', '--broker', '0..2', '--partitions', '3', '--replicas', '3', '--fixedStartIndex', '0'])
    const leaders = async () => {
      const { topics } = await admin.fetchTopicMetadata({ topics: ['e'] })
      return [...topics[0].partitions]
        .sort((a, b) => a.partitionId - b.partitionId)
        .map((p) => ({ leader: p.leader, preferred: p.replicas[0], isr: p.isr.length }))
    }
    await until('e led by its preferred replicas', 30_000, async () =>
      (await leaders()).every((p) => p.leader === p.preferred),
    )
    expect((await leaders()).map((p) => p.preferred)).toEqual([0, 1, 2])

    ok(['broker', 'stop', '0'])
    await until(
      'e-0 led by another broker',
      30_000,
      async () => (await leaders().catch(() => [{ leader: 0 }]))[0].leader !== 0,
    )
    ok(['broker', 'start', '0', '--timeout', '4m'])
    await until('broker 0 back in the ISR of every partition of e', 90_000, async () =>
      (await leaders().catch(() => [{ isr: 0 }])).every((p) => p.isr === 3),
    )
    // Kafka's own rebalance waits leader.imbalance.check.interval.seconds (300 s): e-0 is still led by another broker
    expect((await leaders())[0].leader).not.toBe(0)

    const out = ok(['topic', 'elect-leaders', 'e'])
    expect(out).toBe(
      'preferred leaders elected:\n  e-0: leader 0\nalready led by the preferred replica: 2 partitions\n',
    )
    expect((await leaders()).map((p) => p.leader)).toEqual([0, 1, 2])
    const again = JSON.parse(ok(['topic', 'elect-leaders', 'e', '--json'])) as {
      status: string
      elected: unknown[]
      notNeeded: unknown[]
      failed: unknown[]
    }
    expect(again).toMatchObject({ status: 'elected', elected: [], failed: [] })
    expect(again.notNeeded).toHaveLength(3)
    expect(await post('topic/elect-leaders', { topic: 'nope' })).toMatchObject({
      status: 400,
      body: { error: 'topic: topic(s) not found nope' },
    })
  })
})
