/** The README's short form on kafka-mesos local, 6 brokers in CI: add with --heap 128, start, an RF-3 topic round trip of 1,000 messages, one Kafka install per agent. */
/**
 * `kafka-mesos add 1000..1019 --cpus 0.01 --heap 128 --mem 512` then `kafka-mesos start 1000..1019`,
 * exactly as README.md prints them but for 6 brokers (1000..1005; the 20 run in `npm run bench`,
 * bench/fleet.ts), on `kafka-mesos local`'s cluster of 3 agents. All 6 run; a topic with RF 3 takes
 * 1,000 messages (acks=all, kafkajs) and gives them back. Each agent extracted Kafka once: one
 * read-only install per archive digest, linked from every broker's sandbox (docs/agent.md).
 */
import { lstatSync, readdirSync, readlinkSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Partitioners } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { LocalCluster } from '../../cli/daemon/local-cluster.js'
import { cli, kafkaClient, listBrokers, startLocalCluster, stopLocalCluster, until } from '../harness.js'

const IDS = '1000..1005'
const COUNT = 6
let cluster: LocalCluster

beforeAll(async () => {
  cluster = await startLocalCluster('fleet-short')
})
afterAll(() => stopLocalCluster(cluster))

/** Every run dir of every agent's sandboxes under `dir`. */
function sandboxes(agentDir: string): string[] {
  const out: string[] = []
  const ls = (d: string) => {
    try {
      return readdirSync(d)
    } catch {
      return []
    }
  }
  const slaves = join(agentDir, 'slaves')
  for (const a of ls(slaves))
    for (const f of ls(join(slaves, a, 'frameworks')))
      for (const e of ls(join(slaves, a, 'frameworks', f, 'executors')))
        for (const r of ls(join(slaves, a, 'frameworks', f, 'executors', e, 'runs')))
          out.push(join(slaves, a, 'frameworks', f, 'executors', e, 'runs', r))
  return out
}

describe("the README's short form on kafka-mesos local (6 brokers, heap 128)", () => {
  test('add and start as the README prints them: all run; RF 3 takes 1,000 messages and gives them back', async () => {
    const add = cli(cluster.api, ['add', IDS, '--cpus', '0.01', '--heap', '128', '--mem', '512'])
    expect(add.code, add.stderr).toBe(0)
    const start = cli(cluster.api, ['start', IDS, '--timeout', '8m'], 9 * 60_000)
    expect(start.code, start.stderr || start.stdout).toBe(0)
    const brokers = await listBrokers(cluster.api)
    const running = brokers.filter((b) => b.task?.state === 'running')
    expect(running.map((b) => b.id).sort()).toEqual(['1000', '1001', '1002', '1003', '1004', '1005'])
    const endpoints = running.map((b) => b.task!.endpoint)

    const topic = cli(cluster.api, ['topic', 'add', 'short-form', '--partitions', String(COUNT), '--replicas', '3'])
    expect(topic.code, topic.stderr).toBe(0)
    const kafka = kafkaClient(endpoints)
    const admin = kafka.admin()
    await admin.connect()
    const meta = await admin.fetchTopicMetadata({ topics: ['short-form'] })
    await admin.disconnect()
    expect(meta.topics[0]?.partitions.every((p) => p.replicas.length === 3)).toBe(true)

    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner })
    await producer.connect()
    const sent = Array.from({ length: 1000 }, (_, i) => `m-${i}`)
    for (let i = 0; i < sent.length; i += 100)
      await producer.send({
        topic: 'short-form',
        acks: -1,
        messages: sent.slice(i, i + 100).map((value) => ({ key: value, value })),
      })
    await producer.disconnect()
    const consumer = kafka.consumer({ groupId: 'short-form', sessionTimeout: 10_000, heartbeatInterval: 1000 })
    await consumer.connect()
    await consumer.subscribe({ topic: 'short-form', fromBeginning: true })
    const got = new Set<string>()
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.add(message.value!.toString())
      },
    })
    await until(`1,000 messages back (have ${got.size})`, 120_000, async () => (got.size >= 1000 ? true : undefined))
    await consumer.disconnect()
    expect([...got].sort()).toEqual([...sent].sort())
  })

  test('each agent extracted Kafka once: one read-only install, every broker sandbox links it', () => {
    const work = cluster.options.workDir
    const agentDirs = readdirSync(work)
      .filter((n) => n.startsWith('agent-'))
      .map((n) => join(work, n))
    expect(agentDirs.length).toBe(3)
    let linked = 0
    for (const a of agentDirs) {
      const installs = readdirSync(join(a, 'installs')).filter((n) => !n.startsWith('.'))
      expect(installs).toHaveLength(1) // one digest, no temporary dir left
      const install = join(a, 'installs', installs[0]!)
      const kafkaDir = readdirSync(install).find((n) => n.startsWith('kafka'))!
      expect(statSync(join(install, kafkaDir, 'libs')).mode & 0o222).toBe(0)
      for (const s of sandboxes(a)) {
        const entry = join(s, kafkaDir)
        try {
          if (!lstatSync(entry).isSymbolicLink()) continue
        } catch {
          continue // a sandbox without Kafka (none expected, but not this test's point)
        }
        expect(readlinkSync(entry)).toBe(join(install, kafkaDir))
        linked++
      }
    }
    expect(linked).toBeGreaterThanOrEqual(COUNT) // the 6 brokers (and the controller)
  })
})
