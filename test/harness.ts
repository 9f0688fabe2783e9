/** The e2e harness: a local cluster per test file, the CLI as a child process, and Kafka clients on it. */

import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Kafka, logLevel } from 'kafkajs'
import { expect } from 'vitest'
import { LocalCluster } from '../cli/daemon/local-cluster.js'
import type { NodeJson } from '../contract/index.js'
import { acquireKafkaTestLock } from '../executor/kafka-test-lock.js'

export const ROOT = fileURLToPath(new URL('..', import.meta.url))
export const BIN = join(ROOT, 'bin', 'run.js')

/** Result of one CLI run as a user would type it. */
export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** The admin token of the cluster the test file runs (its REST API runs with authentication on, as `local`'s). */
let apiToken: string | undefined

/** `fetch` to the scheduler's REST API with the cluster's admin token (Bearer), as a user with `KM_TOKEN` set. */
export function apiFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers)
  if (apiToken && !headers.has('authorization')) headers.set('authorization', `Bearer ${apiToken}`)
  return fetch(url, { ...init, headers })
}

/** Runs the built CLI (`node bin/run.js ...`) against `api` with the cluster's admin token in `KM_TOKEN`, bounded in time. */
export function cli(api: string, args: string[], timeoutMs = 240_000): CliResult {
  const env: NodeJS.ProcessEnv = { ...process.env, KM_API: api, ...(apiToken ? { KM_TOKEN: apiToken } : {}) }
  delete env.NODE_ENV
  const r = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8', timeout: timeoutMs })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/**
 * Starts a local cluster (3 agents, free ports) in a fresh temp work dir. Holds the machine-wide
 * Kafka test lock until `cluster.stop()`, so test files that run Kafka JVMs take turns (2 cores).
 */
export async function startLocalCluster(
  name: string,
  agents = 3,
  extra: {
    controllers?: number
    schedulerUnderApps?: boolean
    ha?: boolean
    frameworkRole?: string
    resources?: string
  } = {},
): Promise<LocalCluster> {
  const unlock = await acquireKafkaTestLock(20 * 60_000)
  let held = true
  const release = () => {
    if (held) unlock()
    held = false
  }
  const workDir = mkdtempSync(join(tmpdir(), `km-${name}-`))
  const cluster = new LocalCluster({
    workDir,
    agents,
    masterPort: 0,
    apiPort: 0,
    agentPort: 0,
    resources: extra.resources ?? 'cpus:2;mem:4096;ports:[31000-31999]',
    frameworkRole: extra.frameworkRole,
    controllers: extra.controllers,
    schedulerUnderApps: extra.schedulerUnderApps,
    ha: extra.ha,
    appsPort: 0,
    progress: (line) => process.stderr.write(`[${name}] ${line}\n`),
  })
  const stop = cluster.stop.bind(cluster)
  cluster.stop = async () => {
    try {
      await stop()
    } finally {
      release()
    }
  }
  try {
    await cluster.start()
  } catch (e) {
    release()
    throw e
  }
  apiToken = cluster.apiAuth?.token
  return cluster
}

/** pids of Java processes whose command line mentions `text` (e.g. a work dir or a task id). */
export function javaProcesses(text: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
  return out
    .split('\n')
    .filter((l) => l.includes('java') && l.includes(text) && !l.includes(' ps -eo'))
    .map((l) => Number(l.trim().split(/\s+/)[0]))
}

/** A kafkajs client on broker listeners only (never a controller port: a KRaft controller answers only the controller APIs, KIP-500/KIP-631). */
export function kafkaClient(brokers: string[]): Kafka {
  return new Kafka({ clientId: 'km-e2e', brokers, logLevel: logLevel.NOTHING, retry: { retries: 8 } })
}

/** Broker JSON as the REST API answers it (contract/node-json.ts). */
export type BrokerJson = NodeJson

export async function listBrokers(api: string): Promise<BrokerJson[]> {
  const res = await apiFetch(`${api}/api/broker/list`)
  return ((await res.json()) as { brokers: BrokerJson[] }).brokers
}

/**
 * Stops a cluster from {@link startLocalCluster} and checks the teardown a user relies on: no Java
 * process and nothing else started under its work dir is left running.
 */
export async function stopLocalCluster(cluster: LocalCluster | undefined): Promise<void> {
  if (!cluster) return
  const workDir = cluster.options.workDir
  await cluster.stop()
  expect(javaProcesses(workDir)).toEqual([])
  expect(cluster.leftovers()).toEqual([])
}

export { until } from '../bench/until.js'

/** A KRaft quorum member as `/api/controller/list` describes it (DescribeQuorum v2). */
export interface QuorumMember {
  id: number
  role: string
  lag: number
  directoryId: string
}

/** `/api/controller/list`: the controllers the scheduler runs and Kafka's view of the quorum. */
export interface ControllerList {
  controllers: Array<{
    id: string
    state: string
    endpoint?: string
    membership?: string
    task?: { id: string; hostname: string }
  }>
  quorum: {
    leaderId: number
    leaderEpoch: number
    highWatermark: number
    voters: QuorumMember[]
    observers: QuorumMember[]
  } | null
  quorumError?: string
  change: { phase: string; summary: string } | null
}

/** GET `<api>/api/controller/list`. */
export async function controllerList(api: string): Promise<ControllerList> {
  const res = await apiFetch(`${api}/api/controller/list`)
  return (await res.json()) as ControllerList
}
