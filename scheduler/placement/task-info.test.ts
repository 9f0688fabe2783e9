/** The pure TaskInfo builder: its invariants over random offers and nodes (resources within the offer, ports offered, ids, task data). */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { decodeTaskData, type KafkaNode, type NodeRole } from '../../contract/index.js'
import { type Offer, type Resource, rangesOf, scalarSum } from '../../core-cluster/proto/index.js'
import { isFit, matchOffer, newNode } from '../brokers/index.js'
import { runningController } from '../framework/scheduler.test-support.js'
import type { SchedulerState } from '../storage/index.js'
import { nodeIdFromTaskId } from './task-id.js'
import { buildTaskInfo, type TaskSettings } from './task-info.js'

const settings: TaskSettings = {
  frameworkName: 'kafka',
  api: 'http://127.0.0.1:7000/',
  kafkaArchive: '/cache/kafka_2.13-4.4.0.tgz',
  metricsAgentJar: '/cache/jolokia.jar',
  nodeCmd: 'node',
}

/** A cluster with one placed, running controller, so brokers may start. */
function cluster(node: KafkaNode): SchedulerState {
  const ctl = runningController()
  return {
    kind: 'kafka-mesos-state',
    version: 1,
    clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
    frameworkId: 'f',
    controllers: node.role === 'controller' ? [ctl, node] : [ctl],
    brokers: node.role === 'controller' ? [] : [node],
  }
}

const scalar = (name: string, value: number, role?: string): Resource => ({
  name,
  type: 'SCALAR',
  scalar: { value },
  ...(role ? { role, reservation: { principal: 'p' } } : {}),
})

/** Offers with cpus and mem split over a reserved and an unreserved pool, and one or two port ranges. */
const offers = fc
  .record({
    cpus: fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 })),
    mem: fc.tuple(fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 4096 })),
    ranges: fc.array(
      fc
        .tuple(fc.integer({ min: 1024, max: 60000 }), fc.integer({ min: 0, max: 20 }))
        .map(([b, n]) => ({ begin: b, end: b + n })),
      { minLength: 1, maxLength: 3 },
    ),
    host: fc.constantFrom('h1', 'h2'),
  })
  .map(
    ({ cpus, mem, ranges, host }): Offer => ({
      id: { value: 'o1' },
      framework_id: { value: 'f' },
      agent_id: { value: `a-${host}` },
      hostname: host,
      resources: [
        scalar('cpus', cpus[0] / 100, 'kafka'),
        scalar('cpus', cpus[1] / 100),
        scalar('mem', mem[0], 'kafka'),
        scalar('mem', mem[1]),
        { name: 'ports', type: 'RANGES', ranges: { range: ranges } },
      ],
      attributes: [{ name: 'rack', type: 'TEXT', text: { value: 'r1' } }],
    }),
  )

const nodes = fc
  .record({
    role: fc.constantFrom<NodeRole>('broker', 'controller', 'broker,controller'),
    cpus: fc.integer({ min: 10, max: 300 }),
    mem: fc.integer({ min: 256, max: 3072 }),
    port: fc.option(
      fc.integer({ min: 31000, max: 31040 }).map((p) => ({ start: p, end: p + 20 })),
      { freq: 2 },
    ),
  })
  .map(({ role, cpus, mem, port }) => {
    const n = newNode(role === 'controller' ? 1_000_001 : 7, role)
    n.cpus = cpus / 100
    n.mem = mem
    n.heap = Math.min(128, mem - 1)
    n.port = port ?? undefined
    n.active = true
    if (role === 'controller') n.membership = 'joining'
    return n
  })

/** Every port a resource list takes. */
function portsOf(resources: readonly Resource[]): number[] {
  return rangesOf(resources, 'ports').flatMap((r) => Array.from({ length: r.end - r.begin + 1 }, (_, i) => r.begin + i))
}

describe('buildTaskInfo', () => {
  test.prop([offers, nodes, fc.uuid()], { numRuns: 300 })(
    'takes no more than the offer holds, only offered ports, and names the node in its ids and task data',
    (offer, node, uuid) => {
      const fit = matchOffer(offer, node, 0)
      if (!isFit(fit)) return
      const task = buildTaskInfo({ node, offer, fit, state: cluster(node), settings, uuid })
      const resources = task.resources ?? []
      for (const name of ['cpus', 'mem']) {
        expect(scalarSum(resources, name)).toBeLessThanOrEqual(scalarSum(offer.resources, name) + 1e-9)
        expect(scalarSum(resources, name)).toBeGreaterThanOrEqual(name === 'cpus' ? node.cpus - 1e-9 : node.mem)
      }
      const offered = portsOf(offer.resources ?? [])
      const taken = portsOf(resources)
      expect(taken.length).toBe(node.role === 'broker,controller' ? 2 : 1)
      expect(new Set(taken).size).toBe(taken.length)
      for (const p of taken) expect(offered).toContain(p)
      expect(taken).toContain(fit.port)
      if (node.port) expect(fit.port >= node.port.start && fit.port <= node.port.end).toBe(true)
      expect(task.agent_id).toEqual(offer.agent_id)
      expect(task.executor?.executor_id.value).toBe(task.task_id.value)
      expect(task.task_id.value.endsWith(uuid)).toBe(true)
      expect(nodeIdFromTaskId(task.task_id.value)).toBe(node.id)
      expect(task.executor?.command?.uris?.every((u) => u.value.startsWith('http://127.0.0.1:7000/'))).toBe(true)
      const data = decodeTaskData(task.data!)
      expect([data.nodeId, data.role, data.host, data.port]).toEqual([node.id, node.role, offer.hostname, fit.port])
      // pure: the same input gives the same TaskInfo
      expect(buildTaskInfo({ node, offer, fit, state: cluster(node), settings, uuid })).toEqual(task)
    },
  )
})
