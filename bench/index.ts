/** `npm run bench`: the cluster core at scale (allocation, agent registration, master failover), printed as a table. */

/**
 * - One allocation cycle of the master with 10,000 agents and 1,000 frameworks (every agent free,
 *   so each cycle makes 10,000 offers, batched into one OFFERS event per framework, JSON-encoded and
 *   written to each framework's stream). Mesos's published figure for the same shape is 1.06 s per
 *   cycle (HierarchicalAllocator_BENCHMARK_Test.DeclineOffers, commit 6ef0df9, Mesos `src/tests/hierarchical_allocator_tests.cpp`).
 *   Between rounds the frameworks DECLINE every offer (refuse_seconds 0) through the scheduler-call
 *   path, which is timed too.
 * - The DRF allocator function alone on the same shape.
 * - Registering 1,000 agents over the real agent link (HTTP, protobuf, RecordIO) with the real agent
 *   code, from start to the last REGISTERED; and 10,000 registrations in-process.
 *
 * - Master failover time with real etcd and master processes (./master-failover.ts).
 *
 * - The fleet: 20 brokers started through the framework and by a script, their ratio and the
 *   framework's footprint per broker (./fleet.ts).
 *
 * A benchmark, not a test: it prints numbers and exits 0. Knobs: BENCH_AGENTS, BENCH_FRAMEWORKS,
 * BENCH_ROUNDS, BENCH_HTTP_AGENTS, BENCH_FLEET, BENCH_FLEET_ROUNDS; BENCH_ONLY=fleet,... runs only
 * those parts.
 */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Table from 'cli-table3'
import { pino } from 'pino'
import { Agent } from '../core-cluster/agent/index.js'
import type { EventStream } from '../core-cluster/http/index.js'
import {
  type AllocatorAgent,
  type AllocatorFramework,
  allocate,
  Master,
  startMaster,
} from '../core-cluster/master/index.js'
import { JSON_TYPE, PROTOBUF_TYPE, parseResources, type scheduler } from '../core-cluster/proto/index.js'
import { fleetStart } from './fleet.js'
import { masterFailover } from './master-failover.js'

const AGENTS = Number(process.env.BENCH_AGENTS ?? 10_000)
const FRAMEWORKS = Number(process.env.BENCH_FRAMEWORKS ?? 1_000)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const HTTP_AGENTS = Number(process.env.BENCH_HTTP_AGENTS ?? 1_000)
const log = pino({ level: 'silent' })

/** An event stream that keeps only the last payload (what a framework's HTTP stream would carry). */
class NullStream {
  first?: Uint8Array
  last?: Uint8Array
  bytes = 0
  closed = false
  send(payload: Uint8Array): boolean {
    this.first ??= payload
    this.last = payload
    this.bytes += payload.length
    return true
  }
  close(): void {
    this.closed = true
  }
  onClose(): void {}
}

const ms = (t: number) => `${t.toFixed(t < 10 ? 2 : 0)} ms`
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] }
}

function masterCycle(rows: string[][]): void {
  const master = new Master({ host: '127.0.0.1', port: 5050, logger: log, allocationIntervalMs: 3_600_000 })
  // agents, in-process (our agent link's REGISTER, without HTTP)
  let t0 = performance.now()
  for (let i = 0; i < AGENTS; i++) {
    const host = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
    master.registerAgent(
      {
        type: 'REGISTER',
        register: {
          agent_info: {
            hostname: host,
            port: 5051,
            resources: parseResources('cpus:8;mem:16384;disk:100000;ports:[31000-32000]'),
          },
        },
      },
      new NullStream() as unknown as EventStream,
      PROTOBUF_TYPE,
    )
  }
  const registerMs = performance.now() - t0
  const frameworks: Array<{ id: string; streamId: string; sink: NullStream }> = []
  for (let i = 0; i < FRAMEWORKS; i++) {
    const sink = new NullStream()
    const call: scheduler.Call = {
      type: 'SUBSCRIBE',
      subscribe: { framework_info: { user: 'bench', name: `fw-${i}`, role: `role-${i % 10}` } },
    }
    const streamId = master.subscribe(call, sink as unknown as EventStream, JSON_TYPE)
    frameworks.push({
      id: (JSON.parse(Buffer.from(sink.first!).toString()) as scheduler.Event).subscribed!.framework_id.value,
      streamId,
      sink,
    })
  }
  const cycles: number[] = []
  const declines: number[] = []
  let offers = 0
  for (let round = 0; round < ROUNDS; round++) {
    t0 = performance.now()
    master.allocateNow()
    cycles.push(performance.now() - t0)
    // every framework declines everything it got (refuse_seconds 0: no filter), through the call path
    offers = 0
    t0 = performance.now()
    for (const f of frameworks) {
      const ev = JSON.parse(Buffer.from(f.sink.last!).toString()) as scheduler.Event
      if (ev.type !== 'OFFERS') continue
      const ids = (ev.offers?.offers ?? []).map((o) => o.id)
      offers += ids.length
      const call: scheduler.Call = {
        type: 'DECLINE',
        framework_id: { value: f.id },
        decline: { offer_ids: ids, filters: { refuse_seconds: 0 } },
      }
      master.handleCall(master.authorize(call, f.streamId), call)
      f.sink.last = undefined
    }
    declines.push(performance.now() - t0)
  }
  master.stop()
  const c = stats(cycles)
  const d = stats(declines)
  rows.push([
    `master allocation cycle (${AGENTS.toLocaleString()} agents, ${FRAMEWORKS.toLocaleString()} frameworks in 10 roles)`,
    `${ms(c.median)} median (min ${ms(c.min)}, max ${ms(c.max)}; ${ROUNDS} rounds)`,
    `${offers.toLocaleString()} offers per cycle`,
    'Mesos 1.7: 1.06 s per cycle (10k agents, 1k frameworks)',
  ])
  rows.push([
    `DECLINE of every offer (${FRAMEWORKS.toLocaleString()} calls)`,
    `${ms(d.median)} median`,
    `${Math.round((offers / d.median) * 1000).toLocaleString()} offers/s`,
    '',
  ])
  rows.push([
    `register ${AGENTS.toLocaleString()} agents in-process (no HTTP)`,
    ms(registerMs),
    `${Math.round((AGENTS / registerMs) * 1000).toLocaleString()} agents/s`,
    'Mesos: adding 10k agents 4.89 s (allocator only)',
  ])
}

function allocatorOnly(rows: string[][]): void {
  const agents: AllocatorAgent[] = Array.from({ length: AGENTS }, (_, i) => ({
    id: `a${i}`,
    available: parseResources('cpus:8;mem:16384;disk:100000;ports:[31000-32000]'),
  }))
  const frameworks: AllocatorFramework[] = Array.from({ length: FRAMEWORKS }, (_, i) => ({
    id: `f${i}`,
    role: `role-${i % 10}`,
    active: true,
    allocated: { cpus: 0, mem: 0 },
  }))
  const total = { cpus: 8 * AGENTS, mem: 16384 * AGENTS }
  const times: number[] = []
  let grants = 0
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now()
    const g = allocate(frameworks, agents, total, () => false, new Map([['role-0', 3]]))
    times.push(performance.now() - t0)
    grants = [...g.values()].reduce((n, l) => n + l.length, 0)
  }
  const s = stats(times)
  rows.push([
    `DRF allocator function alone (same shape)`,
    `${ms(s.median)} median (min ${ms(s.min)})`,
    `${grants.toLocaleString()} grants`,
    '',
  ])
}

async function httpRegistration(rows: string[][]): Promise<void> {
  const master = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 3_600_000 })
  const workDir = mkdtempSync(join(tmpdir(), 'km-bench-'))
  const agents: Agent[] = []
  try {
    const t0 = performance.now()
    for (let i = 0; i < HTTP_AGENTS; i++) {
      const a = new Agent({
        master: master.address,
        host: `127.0.${2 + (i >> 8)}.${i & 255}`,
        port: 5051,
        resources: parseResources('cpus:8;mem:16384;ports:[31000-32000]'),
        attributes: [],
        workDir,
        logger: log,
      })
      a.start()
      agents.push(a)
    }
    await Promise.all(agents.map((a) => a.registered))
    const took = performance.now() - t0
    const registered = master.master.state().agents.filter((a) => a.active).length
    rows.push([
      `register ${HTTP_AGENTS.toLocaleString()} agents over HTTP (real agents, REGISTER link; each checkpoints its id)`,
      ms(took),
      `${registered.toLocaleString()} registered, ${Math.round((HTTP_AGENTS / took) * 1000).toLocaleString()} agents/s`,
      '',
    ])
  } finally {
    await Promise.all(agents.map((a) => a.stop()))
    await master.close()
    rmSync(workDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const rows: string[][] = []
  console.log(
    `bench: ${AGENTS} agents, ${FRAMEWORKS} frameworks, ${ROUNDS} rounds, ${HTTP_AGENTS} HTTP agents (node ${process.version})`,
  )
  // BENCH_ONLY=fleet,scale runs only those parts (allocator, master, http, failover, fleet, scale)
  const only = process.env.BENCH_ONLY?.split(',')
  const want = (part: string) => !only || only.includes(part)
  if (want('allocator')) allocatorOnly(rows)
  if (want('master')) masterCycle(rows)
  if (want('http')) await httpRegistration(rows)
  if (want('failover')) await masterFailover(rows)
  if (want('fleet')) await fleetStart(rows)
  const table = new Table({
    head: ['benchmark', 'time', 'work', 'reference'],
    wordWrap: true,
    colWidths: [44, 34, 26, 30],
    style: { head: [], border: [] },
  })
  for (const r of rows) table.push(r)
  console.log(table.toString())
}

main().then(
  () => process.exit(0),
  (e: Error) => {
    console.error(`bench failed: ${e.stack ?? e.message}`)
    process.exit(1)
  },
)
