/** Broker settings on real Kafka: live options, restart-needing options, bind address, log4j and syslog. */
/**
 * Broker settings on real Kafka (one local cluster for the file): an option Kafka can change at run
 * time is applied to the running broker through the Admin API (DescribeConfigs shows it, same task,
 * no restart); a static one sets needsRestart; Kafka's refusal is an error; bind-address,
 * log4j-options and syslog reach the broker; the rolling restart rolls the controller first and
 * refuses to start while a partition reassignment runs.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Admin } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import {
  apiFetch,
  type BrokerJson,
  cli,
  kafkaClient,
  listBrokers,
  startLocalCluster,
  stopLocalCluster,
  until,
} from '../harness.js'

let cluster: LocalCluster
let api = ''
let admin: Admin | undefined

beforeAll(async () => {
  cluster = await startLocalCluster('brokercfg')
  api = cluster.api
})

afterAll(async () => {
  await admin?.disconnect()
  await stopLocalCluster(cluster)
})

type Broker = BrokerJson & { needsRestart: boolean; changes?: { live: Record<string, string>; restart: string[] } }
const broker = async (id: string) => (await listBrokers(api)).find((b) => b.id === id) as Broker

/** A broker config as Kafka describes it for that broker: value and source (2 = per-broker dynamic, 4 = server.properties). */
async function describe0(name: string, id = '0'): Promise<{ value: string; source: number } | undefined> {
  const res = await admin!.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: 4, name: id, configNames: [name] }],
  })
  const e = res.resources[0].configEntries.find((x) => x.configName === name)
  return e ? { value: e.configValue, source: e.configSource } : undefined
}

/** The sandbox of a task (agents keep them under slaves/<agent>/frameworks/<fw>/executors/<task>/runs/<id>). */
function sandbox(taskId: string): string {
  return execFileSync(
    'find',
    [cluster.options.workDir, '-type', 'd', '-path', `*/slaves/*/executors/${taskId}/runs/*`, '-prune'],
    { encoding: 'utf8' },
  )
    .trim()
    .split('\n')[0]
}

describe('broker settings on real Kafka', () => {
  test('two brokers start; broker 1 with a bind address, log4j options and syslog (--volume: broker-volume.test.ts)', async () => {
    expect(
      cli(api, [
        'broker',
        'add',
        '0',
        '--cpus',
        '0.5',
        '--mem',
        '768',
        '--heap',
        '256',
        '--options',
        'num.partitions=1',
      ]).code,
    ).toBe(0)
    const add1 = cli(api, [
      'broker',
      'add',
      '1',
      '--cpus',
      '0.5',
      '--mem',
      '768',
      '--heap',
      '256',
      '--bind-address',
      'if:lo',
      '--log4j-options',
      'kafka.server.KafkaConfig=DEBUG,log4j.logger.kafka.network=DEBUG',
      '--syslog',
    ])
    expect(add1.stdout).toMatch(/^ {2}bind-address: if:lo$/m)
    expect(add1.stdout).toMatch(/^ {2}syslog: true$/m)
    const bad = cli(api, ['broker', 'add', '2', '--bind-address', '10.*.*'])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^Error: bindAddress: invalid prefix "10\.\*\.\*"/m)

    const start = cli(api, ['broker', 'start', '0..1', '--timeout', '180s'])
    expect(start.stderr).toBe('')
    const b1 = await broker('1')
    // if:lo resolves to 127.0.0.1 on the agent: Kafka listens and advertises there
    expect(b1.task!.endpoint).toMatch(/^127\.0\.0\.1:\d+$/)
    expect(cli(api, ['broker', 'list', '1']).stdout).toMatch(/endpoint: 127\.0\.0\.1:\d+ \(127\.0\.1\.\d\)/)
    const dir = sandbox(b1.task!.id)
    const props = readFileSync(join(dir, 'server.properties'), 'utf8')
    expect(props).toMatch(/^listeners=PLAINTEXT:\/\/127\.0\.0\.1:\d+$/m)
    expect(props).toMatch(/^log\.dirs=.*\/data\/kafka-broker-1$/m)
    const logDir = /^log\.dirs=(.*)$/m.exec(props)![1]
    expect(existsSync(join(logDir, 'meta.properties'))).toBe(true)
    const overrides = readFileSync(join(dir, 'log4j2-overrides.properties'), 'utf8')
    expect(overrides).toMatch(/^appender\.kmSyslog\.type=Syslog$/m)
    // the DEBUG level reached Kafka's log4j2: KafkaConfig logs at DEBUG only with it
    await until('DEBUG lines of kafka.network in broker 1 stdout', 30_000, async () =>
      / DEBUG .*\(kafka\.network\./.test(readFileSync(join(dir, 'stdout'), 'utf8')) ? true : undefined,
    )
    admin = kafkaClient(
      (await listBrokers(api)).filter((b) => b.task?.state === 'running').map((b) => b.task!.endpoint),
    ).admin()
    await admin.connect()
  })

  test('a dynamic option on a running broker goes live: Kafka shows it, same task, no restart needed', async () => {
    const before = await broker('0')
    const up = cli(api, [
      'broker',
      'update',
      '0',
      '--options',
      'num.partitions=1,log.cleaner.threads=2,num.io.threads=4',
    ])
    expect(up.stderr).toBe('')
    expect(up.stdout).toMatch(/^ {2}state: running$/m)
    expect(up.stdout).toMatch(/^ {2}changes: applied live: log\.cleaner\.threads=2,num\.io\.threads=4$/m)
    await until('Kafka describes log.cleaner.threads=2 as a per-broker dynamic config', 30_000, async () => {
      const d = await describe0('log.cleaner.threads')
      return d?.value === '2' && d.source === 2 ? d : undefined
    })
    expect(await describe0('num.io.threads')).toEqual({ value: '4', source: 2 })
    const after = await broker('0')
    expect(after.task!.id).toBe(before.task!.id)
    expect(after.needsRestart).toBe(false)
    expect(after.changes).toEqual({ live: { 'log.cleaner.threads': '2', 'num.io.threads': '4' }, restart: [] })

    // Kafka's own limits are Kafka's answer: num.io.threads may at most halve at a time
    const refused = cli(api, [
      'broker',
      'update',
      '0',
      '--options',
      'num.partitions=1,log.cleaner.threads=2,num.io.threads=1',
    ])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(
      /^Error: options: Kafka refused num\.io\.threads=1 on broker 0: INVALID_\w+: .*num\.io\.threads/m,
    )
    expect(await describe0('num.io.threads')).toEqual({ value: '4', source: 2 })
  })

  test('a static option needs a restart; after the restart server.properties carries the options and the live overrides are gone', async () => {
    const up = cli(api, [
      'broker',
      'update',
      '0',
      '--options',
      'num.partitions=2,log.cleaner.threads=2,num.io.threads=4',
      '--json',
    ])
    const b = (JSON.parse(up.stdout) as { brokers: Broker[] }).brokers[0]
    expect(b.needsRestart).toBe(true)
    expect(b.changes).toEqual({
      live: { 'log.cleaner.threads': '2', 'num.io.threads': '4' },
      restart: ['num.partitions'],
    })
    expect(cli(api, ['broker', 'list', '0']).stdout).toMatch(
      /state: running \(modified, needs restart\)\n\s+changes: applied live: log\.cleaner\.threads=2,num\.io\.threads=4; need restart: num\.partitions/,
    )

    const restart = cli(api, ['broker', 'restart', '0', '--timeout', '3m'])
    expect(restart.stderr).toBe('')
    const after = await broker('0')
    expect(after.needsRestart).toBe(false)
    expect(after.changes).toBeUndefined()
    expect(readFileSync(join(sandbox(after.task!.id), 'server.properties'), 'utf8')).toMatch(/^num\.partitions=2$/m)
    // the overrides set for the old task were deleted: the values now come from server.properties
    await until('log.cleaner.threads from server.properties', 30_000, async () => {
      const d = await describe0('log.cleaner.threads')
      return d?.value === '2' && d.source === 4 ? d : undefined
    })
  })

  test('a rolling restart that names the controller rolls it first, then the broker', async () => {
    const before = (await (await apiFetch(`${api}/api/controller/list`)).json()) as {
      controllers: Array<{ id: string; task: { id: string } }>
    }
    const ctlTask = before.controllers[0].task.id
    const b1Task = (await broker('1')).task!.id
    const restart = cli(api, ['broker', 'restart', '1,1000000', '--timeout', '3m'])
    expect(restart.stderr).toBe('')
    expect(restart.stdout).toMatch(/^order: controller 1000000 \(active controller\), broker 1$/m)
    const out = restart.stdout
    expect(out.indexOf('stopping controller 1000000')).toBeGreaterThan(-1)
    expect(out.indexOf('controller 1000000: caught up with the quorum')).toBeGreaterThan(
      out.indexOf('stopping controller 1000000'),
    )
    expect(out.indexOf('stopping broker 1')).toBeGreaterThan(
      out.indexOf('controller 1000000: caught up with the quorum'),
    )
    const after = (await (await apiFetch(`${api}/api/controller/list`)).json()) as {
      controllers: Array<{ task: { id: string } }>
    }
    expect(after.controllers[0].task.id).not.toBe(ctlTask)
    expect((await broker('1')).task!.id).not.toBe(b1Task)
  })

  test('a restart is refused while a partition reassignment runs', async () => {
    const brokers = (await listBrokers(api)).filter((b) => b.task?.state === 'running').map((b) => b.task!.endpoint)
    await admin!.createTopics({
      waitForLeaders: true,
      topics: [{ topic: 'moving', replicaAssignment: [{ partition: 0, replicas: [0] }] }],
    })
    const producer = kafkaClient(brokers).producer()
    await producer.connect()
    const value = 'x'.repeat(10_000)
    for (let i = 0; i < 30; i++)
      await producer.send({
        topic: 'moving',
        acks: -1,
        messages: Array.from({ length: 10 }, () => ({ partition: 0, value })),
      })
    await producer.disconnect()
    // 3 MB at 10 KiB/s: the move takes minutes
    const move = cli(api, ['topic', 'rebalance', 'moving', '--broker', '1', '--throttle', '0.01'])
    expect(move.stderr).toBe('')
    await until('the reassignment runs', 30_000, async () =>
      (await admin!.listPartitionReassignments({})).topics.length > 0 ? true : undefined,
    )

    const before = (await broker('0')).task!.id
    const refused = cli(api, ['broker', 'restart', '0'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^Error: a partition reassignment is running \(moving-0\)/m)
    const res = await apiFetch(`${api}/api/broker/restart`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'broker=0',
    })
    expect(res.status).toBe(409)
    expect(((await res.json()) as { code: string }).code).toBe('KM_ERR_REASSIGNING')
    expect((await broker('0')).task!.id).toBe(before)
  })
})
