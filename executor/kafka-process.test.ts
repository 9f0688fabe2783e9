/** The Kafka supervisor with real Kafka: a controller and a broker start, serve, and stop with SIGTERM. */
/**
 * REAL Kafka test of the supervisor: assembles Kafka 4.4.0 if needed, starts a KRaft controller and a
 * broker on 127.0.0.1 free ports, checks readiness detection, produces and consumes with kafkajs,
 * stops both with SIGTERM and checks that no JVM of theirs is left. Heaps are 256 MB; every wait is bounded.
 */
import { execFileSync } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type KafkaTaskData, KafkaTaskDataSchema, newClusterId } from '../contract/index.js'
import { createTopicsAndWait } from '../test/support/topics.js'
import { findKafkaDir, KafkaProcess } from './kafka-process.js'
import { acquireKafkaTestLock } from './kafka-test-lock.js'
import { silentLogger } from './log.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const KAFKA_DIR = path.join(ROOT, '.cache', 'kafka', 'kafka_2.13-4.4.0')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

/** PIDs of java processes whose command line mentions `marker`. */
function javaPidsWith(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return out
    .split('\n')
    .filter((l) => l.includes('java') && l.includes(marker))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
}

async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let t: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, rej) => {
        t = setTimeout(() => rej(new Error(`${what}: timed out after ${ms} ms`)), ms)
      }),
    ])
  } finally {
    clearTimeout(t)
  }
}

describe('KafkaProcess on real Kafka 4.4.0', { timeout: 300_000 }, () => {
  let tmp: string
  let out: WriteStream
  const procs: KafkaProcess[] = []
  const clusterId = newClusterId()
  let ctrlPort = 0
  let brokerPort = 0

  function node(
    over: Partial<KafkaTaskData> & Pick<KafkaTaskData, 'role' | 'nodeId' | 'port' | 'format'>,
  ): KafkaProcess {
    const data = KafkaTaskDataSchema.parse({
      clusterId,
      host: '127.0.0.1',
      quorum: `127.0.0.1:${ctrlPort}`,
      heapMb: 256,
      internalTopicRf: 1,
      ...over,
    })
    const workDir = path.join(tmp, `sandbox-${data.role}-${data.nodeId}`)
    const p = new KafkaProcess({
      data,
      kafkaDir: KAFKA_DIR,
      workDir,
      dataDir: path.join(tmp, 'data', `kafka-${data.role}-${data.nodeId}`),
      stdout: out,
      stderr: out,
      detached: true,
      log: silentLogger,
    })
    procs.push(p)
    return p
  }

  let releaseLock: (() => void) | undefined

  beforeAll(async () => {
    releaseLock = await acquireKafkaTestLock()
    if (!existsSync(path.join(KAFKA_DIR, 'libs')))
      execFileSync('bash', [path.join(ROOT, 'scripts/kafka/assemble.sh')], { stdio: 'inherit', timeout: 600_000 })
    tmp = mkdtempSync(path.join(os.tmpdir(), 'km-kafka-process-'))
    out = createWriteStream(path.join(tmp, 'jvm-output.log'))
    ctrlPort = await freePort()
    brokerPort = await freePort()
  }, 1_220_000)

  afterAll(async () => {
    for (const p of procs) p.signal('SIGKILL')
    await Promise.all(
      procs
        .filter((p) => p.pid !== undefined)
        .map((p) => within(15_000, 'JVM exit after SIGKILL', p.exited()).catch(() => undefined)),
    )
    out?.end()
    const left = tmp ? javaPidsWith(tmp) : []
    for (const pid of left)
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        /* gone */
      }
    if (tmp && !process.env.KM_KEEP_TMP) rmSync(tmp, { recursive: true, force: true })
    releaseLock?.()
  }, 30_000)

  it('finds the distribution in a sandbox', () => {
    expect(findKafkaDir(path.dirname(KAFKA_DIR))).toBe(KAFKA_DIR)
    expect(findKafkaDir(path.join(tmp, 'nope'))).toBeUndefined()
  })

  it('reports a JVM that exits on a bad config with its code and last line', async () => {
    const bad = node({
      role: 'controller',
      nodeId: 900,
      port: await freePort(),
      format: 'standalone',
      options: { 'num.network.threads': 'lots' },
    })
    await bad.prepare().catch(() => undefined) // the tool may already reject the config
    bad.start()
    await expect(within(60_000, 'ready/exit', bad.waitReady({ intervalMs: 300 }))).rejects.toThrow(
      /exited before it became ready/,
    )
    const exit = await within(60_000, 'exit', bad.exited())
    expect(exit.code).not.toBe(0)
    expect(bad.lastLine()).toMatch(/num.network.threads|lots|Invalid value/)
  })

  it('starts a controller and a broker, serves produce/consume, stops on SIGTERM', async () => {
    const ctrl = node({ role: 'controller', nodeId: 100, port: ctrlPort, format: 'standalone' })
    expect(await ctrl.prepare()).toEqual({ formatted: true })
    expect(existsSync(path.join(ctrl.logDirs[0], 'meta.properties'))).toBe(true)
    ctrl.start()
    await within(120_000, 'controller ready', ctrl.waitReady({ intervalMs: 500 }))
    expect(ctrl.serverStarted).toBe(true)

    const broker = node({ role: 'broker', nodeId: 0, port: brokerPort, format: 'no-initial-controllers' })
    expect(await broker.prepare()).toEqual({ formatted: true })
    broker.start()
    await within(120_000, 'broker ready', broker.waitReady({ intervalMs: 500 }))
    expect(broker.endpoint).toBe(`127.0.0.1:${brokerPort}`)
    // log4j2.yaml writes server.log under -Dkafka.logs.dir
    expect(readFileSync(path.join(broker.logsOutDir, 'server.log'), 'utf8')).toContain('Kafka Server started')

    const kafka = new Kafka({
      clientId: 'km-test',
      brokers: [broker.endpoint],
      logLevel: logLevel.NOTHING,
      retry: { retries: 8 },
    })
    const admin = kafka.admin()
    await admin.connect()
    await within(
      60_000,
      'create topic',
      createTopicsAndWait(admin, [{ topic: 't1', numPartitions: 2, replicationFactor: 1 }]),
    )
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    await within(
      60_000,
      'produce',
      producer.send({
        topic: 't1',
        messages: [
          { key: 'a', value: 'one' },
          { key: 'b', value: 'two' },
          { key: 'c', value: 'three' },
        ],
      }),
    )
    await producer.disconnect()
    const consumer = kafka.consumer({ groupId: 'g1' })
    await consumer.connect()
    await consumer.subscribe({ topic: 't1', fromBeginning: true })
    const got: string[] = []
    await within(
      90_000,
      'consume',
      new Promise<void>((resolve, reject) => {
        consumer
          .run({
            eachMessage: async ({ message }) => {
              got.push(String(message.value))
              if (got.length >= 3) resolve()
            },
          })
          .catch(reject)
      }),
    )
    await consumer.disconnect()
    expect(got.sort()).toEqual(['one', 'three', 'two'])

    // Brokers before controllers (a broker's controlled shutdown needs them): SIGTERM, no SIGKILL needed.
    // Generous bounds: the machine is shared (2 cores); a SIGKILL would show as signal 'SIGKILL'.
    const bExit = await within(120_000, 'broker stop', broker.stop(90_000))
    expect(bExit?.signal).not.toBe('SIGKILL')
    const cExit = await within(120_000, 'controller stop', ctrl.stop(90_000))
    expect(cExit?.signal).not.toBe('SIGKILL')
    expect(readFileSync(path.join(broker.logsOutDir, 'server.log'), 'utf8')).toMatch(
      /shut down completed|shutting down/i,
    )

    // A restart on the same data does not format again.
    const again = new KafkaProcess({
      data: KafkaTaskDataSchema.parse({
        clusterId,
        host: '127.0.0.1',
        quorum: `127.0.0.1:${ctrlPort}`,
        heapMb: 256,
        role: 'broker',
        nodeId: 0,
        port: brokerPort,
        format: 'no-initial-controllers',
      }),
      kafkaDir: KAFKA_DIR,
      workDir: path.join(tmp, 'sandbox-again'),
      dataDir: path.join(tmp, 'data', 'kafka-broker-0'),
      log: silentLogger,
    })
    expect(await again.prepare()).toEqual({ formatted: false })

    expect(javaPidsWith(tmp)).toEqual([])
  })
})
