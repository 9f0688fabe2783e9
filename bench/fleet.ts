/** The fleet benchmark: 20 brokers (heap 128) started through the framework and by a script on the same hosts, their ratio, and what the framework costs per broker. */

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Kafka, logLevel } from 'kafkajs'
import { agentHost, kafkaArchive, LocalCluster, PACKAGE_ROOT } from '../cli/daemon/index.js'
import { type KafkaTaskData, KafkaTaskDataSchema, newClusterId, renderServerProperties } from '../contract/index.js'
import { acquireKafkaTestLock, findKafkaDir, KAFKA_JVM_PERFORMANCE_OPTS } from '../executor/index.js'
import { mean, type ProcInfo, processes, procInfo } from './procs.js'
import { until } from './until.js'

/**
 * The README's short form, `kafka-mesos add 1000..1019 --cpus 0.01 --heap 128 --mem 512` then
 * `kafka-mesos start 1000..1019`, on `kafka-mesos local`'s cluster (3 agents on 127.0.1.1-3,
 * `cpus:2;mem:4096`), timed from `start` until the CLI returns with all 20 running; then an RF-3 topic
 * takes 1,000 messages and gives them back. The reference: the same Kafka jars, heap, JVM flags and
 * server.properties started by bench/start-brokers.sh on the same addresses (a controller, then the
 * 20 brokers, each formatted with kafka-storage first), timed until Kafka lists all 20 brokers. The
 * goal is a ratio of at most 1.10 (issue 19). Also the footprint while the 20 run: the executors'
 * resident memory and CPU time per broker, the agents' resident memory, and the agents' disk per
 * broker (sandboxes, fetcher cache and installs; not the brokers' data).
 *
 * Both runs take the machine-wide Kafka test lock (the e2e tests use the same addresses). Knobs:
 * BENCH_FLEET (number of brokers, default 20; 0 skips), BENCH_FLEET_ROUNDS (default 1).
 */

const BROKERS = Number(process.env.BENCH_FLEET ?? 20)
const ROUNDS = Number(process.env.BENCH_FLEET_ROUNDS ?? 1)
const HEAP_MB = 128
const CONTROLLER_HEAP_MB = 256 // the scheduler's --controller-heap default
const FIRST_ID = 1000
const AGENTS = 3

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const mbs = (mb: number) => `${mb.toFixed(0)} MB`

function haveJava(): boolean {
  return spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0
}

/** The broker ids Kafka lists (a broker is listed once it is unfenced), asked of any of `brokers`. */
async function liveBrokers(brokers: string[]): Promise<number[]> {
  const kafka = new Kafka({
    clientId: 'bench',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 0 },
  })
  const admin = kafka.admin({ retry: { retries: 0 } })
  try {
    await admin.connect()
    return (await admin.describeCluster()).brokers.map((b) => b.nodeId)
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

/** Kills the processes with the given pids and waits until they are gone. */
async function killAll(pids: number[]): Promise<void> {
  for (const pid of pids)
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // gone
    }
  await until('the script JVMs to exit', 30_000, async () => (pids.every((p) => !procInfo(p)) ? true : undefined))
}

/**
 * The reference run: bench/start-brokers.sh starts a controller and the brokers from server.properties
 * rendered as the executor renders them (contract/server-properties.ts, over the distribution's
 * config/server.properties). @returns ms from the script's start until Kafka lists every broker
 */
async function scriptRun(kafkaDir: string, dir: string): Promise<number> {
  const clusterId = newClusterId()
  const defaults = readFileSync(join(kafkaDir, 'config', 'server.properties'), 'utf8')
  const controller = { host: agentHost(1), port: 31990 }
  const node = (data: Partial<KafkaTaskData> & Pick<KafkaTaskData, 'role' | 'nodeId' | 'host' | 'port'>) => {
    const full = KafkaTaskDataSchema.parse({
      clusterId,
      quorum: `${controller.host}:${controller.port}`,
      format: 'no-initial-controllers',
      heapMb: HEAP_MB,
      internalTopicRf: 3,
      ...data,
    })
    const nodeDir = join(dir, `node-${full.nodeId}`)
    mkdirSync(join(nodeDir, 'data'), { recursive: true })
    writeFileSync(
      join(nodeDir, 'server.properties'),
      renderServerProperties(full, { defaults, logDirs: join(nodeDir, 'data') }),
    )
    return nodeDir
  }
  const controllerDir = node({
    role: 'controller',
    nodeId: 1_000_000,
    format: 'standalone',
    heapMb: CONTROLLER_HEAP_MB,
    ...controller,
  })
  const brokerDirs = Array.from({ length: BROKERS }, (_, i) =>
    node({
      role: 'broker',
      nodeId: FIRST_ID + i,
      host: agentHost((i % AGENTS) + 1),
      port: 31000 + Math.floor(i / AGENTS),
      rack: `r${(i % AGENTS) + 1}`,
    }),
  )
  const endpoints = brokerDirs.map((_, i) => `${agentHost((i % AGENTS) + 1)}:${31000 + Math.floor(i / AGENTS)}`)
  const t0 = performance.now()
  const script = spawn(
    'bash',
    [
      join(PACKAGE_ROOT, 'bench', 'start-brokers.sh'),
      controllerDir,
      `${controller.host}:${controller.port}`,
      ...brokerDirs,
    ],
    {
      env: {
        ...process.env,
        KAFKA_DIR: kafkaDir,
        HEAP_MB: String(HEAP_MB),
        CONTROLLER_HEAP_MB: String(CONTROLLER_HEAP_MB),
        CLUSTER_ID: clusterId,
        JVM_OPTS: KAFKA_JVM_PERFORMANCE_OPTS.join(' '),
      },
      stdio: 'ignore',
    },
  )
  const pids = () =>
    [controllerDir, ...brokerDirs]
      .map((d) => join(d, 'pid'))
      .filter((f) => existsSync(f))
      .map((f) => Number(readFileSync(f, 'utf8')))
  try {
    await until(`${BROKERS} brokers started by the script`, 600_000, async () => {
      const ids = await liveBrokers(endpoints)
      return ids.length >= BROKERS ? true : undefined
    })
    return performance.now() - t0
  } finally {
    script.kill('SIGKILL')
    await killAll(pids())
  }
}

/** Resident memory and CPU time of the processes started from `workDir` (executors run in their sandboxes there). */
function footprint(cluster: LocalCluster): { executors: ProcInfo[]; jvms: ProcInfo[]; agents: ProcInfo[] } {
  const workDir = cluster.options.workDir
  const mine = processes((p) => p.cwd.startsWith(workDir) || p.args.includes(workDir))
  return {
    executors: mine.filter((p) => p.args.includes('kafka-mesos-executor')),
    jvms: mine.filter((p) => p.args.includes('kafka.Kafka')),
    agents: cluster.daemons.filter((d) => d.name.startsWith('agent')).map((d) => procInfo(d.child.pid!)!),
  }
}

/** Bytes under `dir`, not following links. */
function diskBytes(dir: string, skip: (path: string) => boolean = () => false): number {
  let total = 0
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return 0
  }
  for (const n of names) {
    const p = join(dir, n)
    if (skip(p)) continue
    const st = statSync(p, { throwIfNoEntry: false })
    if (!st) continue
    if (st.isDirectory()) total += diskBytes(p, skip)
    else if (st.isFile()) total += st.blocks * 512
  }
  return total
}

/** The admin token of the local cluster's REST API (authentication is on, as in `local`). */
let token: string | undefined

/** Runs the CLI as a user would (`node bin/run.js ...`) against the cluster's API, with its admin token. */
function cli(api: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, KM_API: api, ...(token ? { KM_TOKEN: token } : {}) }
  delete env.NODE_ENV
  const r = spawnSync(process.execPath, [join(PACKAGE_ROOT, 'bin', 'run.js'), ...args], {
    env,
    encoding: 'utf8',
    timeout: 600_000,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

interface FrameworkRun {
  ms: number
  executorRssMb: number
  executorCpuSecs: number
  jvmRssMb: number
  agentRssMb: number
  diskPerBrokerMb: number
  roundTrip: string
}

/** The framework run: the README's short form on a local cluster, then an RF-3 topic round trip. */
async function frameworkRun(dir: string): Promise<FrameworkRun> {
  const cluster = new LocalCluster({
    workDir: dir,
    agents: AGENTS,
    masterPort: 0,
    apiPort: 0,
    agentPort: 0,
    resources: 'cpus:2;mem:4096;ports:[31000-31999]',
  })
  try {
    await cluster.start()
    token = cluster.apiAuth?.token
    const last = FIRST_ID + BROKERS - 1
    const add = cli(cluster.api, ['add', `${FIRST_ID}..${last}`, '--cpus', '0.01', '--heap', '128', '--mem', '512'])
    if (add.code !== 0) throw new Error(`add failed: ${add.stderr || add.stdout}`)
    const t0 = performance.now()
    const start = cli(cluster.api, ['start', `${FIRST_ID}..${last}`, '--timeout', '10m'])
    const took = performance.now() - t0
    if (start.code !== 0) throw new Error(`start failed: ${start.stderr || start.stdout}`)
    const fp = footprint(cluster)
    const brokerJvms = fp.jvms.filter((p) => !p.args.includes('controller'))
    const agentDirs = readdirSync(dir).filter((n) => n.startsWith('agent-'))
    // the agent's disk for the brokers: sandboxes, the fetcher cache, shared installs; not data/ (Kafka's logs)
    const disk = agentDirs.reduce((n, a) => n + diskBytes(join(dir, a), (p) => p === join(dir, a, 'data')), 0)
    const roundTrip = await produceConsume(cluster.api)
    return {
      ms: took,
      executorRssMb: mean(fp.executors.map((p) => p.rssMb)),
      executorCpuSecs: mean(fp.executors.map((p) => p.cpuSecs)),
      jvmRssMb: mean(brokerJvms.map((p) => p.rssMb)),
      agentRssMb: mean(fp.agents.map((p) => p.rssMb)),
      diskPerBrokerMb: disk / (BROKERS + 1) / 1024 / 1024,
      roundTrip,
    }
  } finally {
    await cluster.stop()
  }
}

/** An RF-3 topic over the running brokers takes 1,000 messages (acks=all) and gives them back. */
async function produceConsume(api: string): Promise<string> {
  const topic = cli(api, ['topic', 'add', 'fleet', '--partitions', String(BROKERS), '--replicas', '3'])
  if (topic.code !== 0) throw new Error(`topic add failed: ${topic.stderr || topic.stdout}`)
  const list = (await (
    await fetch(`${api}/api/broker/list`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as {
    brokers: Array<{ task?: { endpoint: string } }>
  }
  const kafka = new Kafka({
    clientId: 'bench',
    brokers: list.brokers.flatMap((b) => (b.task ? [b.task.endpoint] : [])),
    logLevel: logLevel.NOTHING,
  })
  const producer = kafka.producer()
  await producer.connect()
  const sent = 1000
  for (let i = 0; i < sent; i += 100)
    await producer.send({
      topic: 'fleet',
      acks: -1,
      messages: Array.from({ length: 100 }, (_, k) => ({ key: String(i + k), value: `m${i + k}` })),
    })
  await producer.disconnect()
  const consumer = kafka.consumer({ groupId: 'bench-fleet' })
  await consumer.connect()
  await consumer.subscribe({ topic: 'fleet', fromBeginning: true })
  const seen = new Set<string>()
  await consumer.run({
    eachMessage: async ({ message }) => {
      seen.add(message.value?.toString() ?? '')
    },
  })
  await until('1,000 messages back', 120_000, async () => (seen.size >= sent ? true : undefined)).catch(() => {})
  await consumer.disconnect()
  return `${seen.size.toLocaleString()} of ${sent.toLocaleString()} messages back (RF 3, ${BROKERS} partitions)`
}

/** Adds the fleet rows: start time through the framework and by the script, their ratio, the footprint. */
export async function fleetStart(rows: string[][]): Promise<void> {
  const label = `start ${BROKERS} brokers, heap ${HEAP_MB} (README short form on kafka-mesos local)`
  if (BROKERS <= 0) return
  let archive: string
  try {
    archive = kafkaArchive()
  } catch (e) {
    rows.push([label, `skipped: ${(e as Error).message}`, '', ''])
    return
  }
  const kafkaDir = findKafkaDir(archive.replace(/[/][^/]+$/, ''))
  if (!haveJava() || !kafkaDir) {
    rows.push([label, 'skipped: needs java and "npm run kafka"', '', ''])
    return
  }
  const unlock = await acquireKafkaTestLock(30 * 60_000)
  const fw: FrameworkRun[] = []
  const script: number[] = []
  try {
    for (let r = 0; r < ROUNDS; r++) {
      const d1 = mkdtempSync(join(tmpdir(), 'km-bench-script-'))
      try {
        script.push(await scriptRun(kafkaDir, d1))
      } finally {
        rmSync(d1, { recursive: true, force: true })
      }
      const d2 = mkdtempSync(join(tmpdir(), 'km-bench-fleet-'))
      try {
        fw.push(await frameworkRun(d2))
      } finally {
        rmSync(d2, { recursive: true, force: true })
      }
    }
  } finally {
    unlock()
  }
  const f = mean(fw.map((x) => x.ms))
  const s = mean(script.map((x) => x))
  const ratio = f / s
  rows.push([
    label,
    `${secs(f)} through the framework`,
    fw[fw.length - 1].roundTrip,
    `script, same jars/heap/flags/hosts: ${secs(s)}; ratio ${ratio.toFixed(2)} (goal ≤ 1.10)`,
  ])
  const last = fw[fw.length - 1]
  rows.push([
    `footprint per broker while ${BROKERS} run`,
    `executor ${mbs(last.executorRssMb)} RSS, ${last.executorCpuSecs.toFixed(1)} s CPU`,
    `agent ${mbs(last.agentRssMb)} RSS (each of ${AGENTS}); disk ${last.diskPerBrokerMb.toFixed(1)} MB per broker`,
    `Kafka JVM (heap ${HEAP_MB}): ${mbs(last.jvmRssMb)} RSS`,
  ])
}
