/** Controller placement: gang placement of a new quorum, controllers added later, and joining controllers. */

import { describe, expect, test } from 'vitest'
import type { KafkaNode } from '../../contract/index.js'
import { type Offer, parseAttributes, parseResources } from '../../core-cluster/proto/index.js'
import { newNode } from '../brokers/index.js'
import { controllerPlacementConflict, RACK_PREFERENCE_MS } from './controller-placement.js'
import { newControllers } from './controllers.js'
import { placeGang } from './gang.js'
import { bootstrapServers, brokersWaitFor } from './voters.js'

function offer(host: string, rack?: string, resources = 'cpus:2;mem:4096;ports:[31000-31999]'): Offer {
  return {
    id: { value: `o-${host}-${Math.random()}` },
    framework_id: { value: 'f' },
    agent_id: { value: `a-${host}` },
    hostname: host,
    resources: parseResources(resources),
    attributes: rack ? parseAttributes(`rack:${rack}`) : [],
  }
}

const small = { cpus: 0.5, mem: 768, heap: 256 }

function runningController(id: number, host: string, rack?: string): KafkaNode {
  const n = newNode(id, 'controller')
  n.active = true
  n.stickiness.hostname = host
  n.port = { start: 31000, end: 31000 }
  n.task = {
    id: `t${id}`,
    slaveId: 'a',
    executorId: 'e',
    hostname: host,
    endpoint: `${host}:31000`,
    attributes: rack ? { rack } : {},
    state: 'running',
  }
  return n
}

describe('gang placement of a new quorum', () => {
  test('3 controllers on 3 distinct racks when racks exist, even if a rack offers 2 hosts first', () => {
    const offers = [offer('h1', 'r1'), offer('h2', 'r1'), offer('h3', 'r2'), offer('h4', 'r3')]
    const placed = placeGang(newControllers(3, small), offers)
    expect(Array.isArray(placed)).toBe(true)
    const racks = (placed as Exclude<typeof placed, string>).map((p) => p.fit.attributes.rack)
    expect(new Set(racks).size).toBe(3)
  })

  test('fewer racks than controllers: distinct hosts will do', () => {
    const placed = placeGang(newControllers(3, small), [offer('h1', 'r1'), offer('h2', 'r1'), offer('h3', 'r2')])
    expect(Array.isArray(placed)).toBe(true)
    expect(new Set((placed as Exclude<typeof placed, string>).map((p) => p.offer.hostname)).size).toBe(3)
  })

  test('no racks: distinct hosts; too few hosts: the reason', () => {
    expect(placeGang(newControllers(3, small), [offer('h1'), offer('h1'), offer('h2')])).toMatch(
      /needs 3 distinct hosts; offers came from 2/,
    )
    expect(placeGang(newControllers(1, small), [offer('h1', undefined, 'cpus:0.1;mem:100;ports:[1-2]')])).toMatch(
      /cpus < 0.5/,
    )
  })
})

describe('placing a controller added to a running quorum', () => {
  const c0 = runningController(1_000_000, 'h1', 'r1')
  const joining = newNode(1_000_001, 'controller')
  joining.membership = 'joining'
  const all = [c0, joining]

  test('never on a host that already has a controller', () => {
    expect(controllerPlacementConflict(joining, offer('h1', 'r9'), all, 0, 10 * RACK_PREFERENCE_MS)).toMatch(
      /distinct hosts: h1 already has controller 1000000/,
    )
  })

  test('a rack of its own first; any free host after the preference period', () => {
    expect(controllerPlacementConflict(joining, offer('h2', 'r1'), all, 0, 1000)).toMatch(
      /distinct racks: rack r1 already has controller 1000000/,
    )
    expect(controllerPlacementConflict(joining, offer('h2', 'r1'), all, 0, RACK_PREFERENCE_MS + 1)).toBeUndefined()
    expect(controllerPlacementConflict(joining, offer('h3', 'r2'), all, 0, 1000)).toBeUndefined()
    expect(controllerPlacementConflict(joining, offer('h3'), all, 0, 1000)).toBeUndefined()
  })

  test('a joining controller is not a voter: brokers and bootstrap servers ignore it', () => {
    expect(bootstrapServers(all)).toBe('h1:31000')
    expect(brokersWaitFor(all)).toBeUndefined()
  })
})
