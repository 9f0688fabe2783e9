/** The allocator's tests: DRF order, role weights, reservations, and the heap-based sorter against a textbook one. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { parseResources } from '../../proto/index.js'
import { allocate } from './allocate.js'
import type { AllocatorAgent, AllocatorFramework } from './interface.js'
import { offerableTo } from './roles.js'
import { dominantShare } from './share.js'

const total = { cpus: 10, mem: 10_000 }
const fw = (id: string, cpus: number, mem: number, active = true, role = '*'): AllocatorFramework => ({
  id,
  role,
  active,
  allocated: { cpus, mem },
})

describe('DRF allocator', () => {
  test('dominant share is the larger of the cpu and mem shares, divided by the weight', () => {
    expect(dominantShare(fw('a', 2, 1000), total)).toBeCloseTo(0.2)
    expect(dominantShare(fw('a', 1, 5000), total)).toBeCloseTo(0.5)
    expect(dominantShare(fw('a', 1, 5000), total, 2)).toBeCloseTo(0.25)
  })

  test('an agent goes to the framework with the lowest dominant share; inactive ones get nothing', () => {
    const grants = allocate(
      [fw('rich', 5, 1000), fw('poor', 1, 1000), fw('off', 0, 0, false)],
      [{ id: 'a1', available: parseResources('cpus:2;mem:1024') }],
      total,
      () => false,
    )
    expect([...grants.keys()]).toEqual(['poor'])
  })

  test('reserved resources go only to their role', () => {
    const grants = allocate(
      [fw('other', 0, 0, true, 'web')],
      [{ id: 'a1', available: parseResources('cpus(kafka):2;mem(kafka):1024') }],
      total,
      () => false,
    )
    expect(grants.size).toBe(0)
  })

  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10_000 })), {
      minLength: 1,
      maxLength: 6,
    }),
    fc.integer({ min: 1, max: 20 }),
  ])(
    'every agent is given to at most one framework, and some framework gets every allocatable agent',
    (allocs, agents) => {
      const frameworks = allocs.map(([c, m], i) => fw(`f${i}`, c, m))
      const list = Array.from({ length: agents }, (_, i) => ({
        id: `a${i}`,
        available: parseResources('cpus:1;mem:512'),
      }))
      const grants = allocate(frameworks, list, total, () => false)
      const given = [...grants.values()].flat().map((g) => g.agentId)
      expect(new Set(given).size).toBe(given.length)
      expect(given.length).toBe(agents)
    },
  )
})

/** The textbook algorithm the heap-based allocator must agree with: sort roles, then frameworks, per agent. */
function naiveAllocate(
  frameworks: AllocatorFramework[],
  agents: AllocatorAgent[],
  tot: { cpus: number; mem: number },
  filtered: (f: string, a: string) => boolean,
  weights: Map<string, number>,
) {
  const fws = frameworks.map((f) => ({ ...f, allocated: { ...f.allocated } }))
  const share = (c: number, m: number, w: number) => Math.max(c / tot.cpus, m / tot.mem) / w
  const grants = new Map<string, string[]>()
  for (const agent of agents) {
    const roleNames = [...new Set(fws.map((f) => f.role))]
    const roleAlloc = (r: string) =>
      fws
        .filter((f) => f.role === r)
        .reduce((a, f) => ({ cpus: a.cpus + f.allocated.cpus, mem: a.mem + f.allocated.mem }), { cpus: 0, mem: 0 })
    const roleShare = (r: string) => {
      const a = roleAlloc(r)
      return share(a.cpus, a.mem, weights.get(r) ?? 1)
    }
    roleNames.sort((a, b) => roleShare(a) - roleShare(b) || (a < b ? -1 : 1))
    let done = false
    for (const role of roleNames) {
      const res = offerableTo(role, agent.available)
      const cpus = res.reduce((n, r) => n + (r.name === 'cpus' ? r.scalar!.value : 0), 0)
      const mem = res.reduce((n, r) => n + (r.name === 'mem' ? r.scalar!.value : 0), 0)
      if (cpus < 0.01 && mem < 32) continue
      const inRole = fws
        .filter((f) => f.role === role && f.active)
        .sort(
          (a, b) =>
            share(a.allocated.cpus, a.allocated.mem, 1) - share(b.allocated.cpus, b.allocated.mem, 1) ||
            (a.id < b.id ? -1 : 1),
        )
      for (const f of inRole) {
        if (filtered(f.id, agent.id)) continue
        grants.set(f.id, [...(grants.get(f.id) ?? []), agent.id])
        f.allocated.cpus += cpus
        f.allocated.mem += mem
        done = true
        break
      }
      if (done) break
    }
  }
  return grants
}

describe('DRF with role weights', () => {
  test('weights: 40 one-cpu agents split 1:3 between roles weighing 1 and 3', () => {
    const frameworks = [fw('web-fw', 0, 0, true, 'web'), fw('kafka-fw', 0, 0, true, 'kafka')]
    const agents = Array.from({ length: 40 }, (_, i) => ({ id: `a${i}`, available: parseResources('cpus:1;mem:256') }))
    const grants = allocate(
      frameworks,
      agents,
      { cpus: 40, mem: 40 * 256 },
      () => false,
      new Map([
        ['kafka', 3],
        ['web', 1],
      ]),
    )
    expect(grants.get('web-fw')!.length).toBe(10)
    expect(grants.get('kafka-fw')!.length).toBe(30)
  })

  test('hierarchical: a role with many frameworks does not get more than a role with one', () => {
    const frameworks = [
      fw('solo', 0, 0, true, 'a'),
      ...Array.from({ length: 5 }, (_, i) => fw(`crowd${i}`, 0, 0, true, 'b')),
    ]
    const agents = Array.from({ length: 20 }, (_, i) => ({ id: `a${i}`, available: parseResources('cpus:1;mem:256') }))
    const grants = allocate(frameworks, agents, { cpus: 20, mem: 20 * 256 }, () => false)
    expect(grants.get('solo')!.length).toBe(10)
    expect([...grants].filter(([id]) => id.startsWith('crowd')).reduce((n, [, l]) => n + l.length, 0)).toBe(10)
  })

  test.prop([
    fc.array(
      fc.record({
        role: fc.constantFrom('*', 'web', 'kafka', 'eng'),
        cpus: fc.integer({ min: 0, max: 20 }),
        mem: fc.integer({ min: 0, max: 20_000 }),
        active: fc.boolean(),
      }),
      { minLength: 1, maxLength: 12 },
    ),
    fc.array(
      fc.record({
        cpus: fc.integer({ min: 0, max: 8 }),
        mem: fc.integer({ min: 0, max: 8192 }),
        reservedTo: fc.constantFrom(undefined, 'web', 'kafka'),
      }),
      { minLength: 1, maxLength: 30 },
    ),
    fc.dictionary(fc.constantFrom('web', 'kafka', 'eng'), fc.integer({ min: 1, max: 5 })),
    fc.array(fc.tuple(fc.nat(11), fc.nat(29)), { maxLength: 20 }),
  ])('the heap-based allocator gives exactly what sorting per agent gives', (fspecs, aspecs, w, filters) => {
    const frameworks = fspecs.map((f, i) => fw(`f${String(i).padStart(2, '0')}`, f.cpus, f.mem, f.active, f.role))
    const agents = aspecs.map((a, i) => ({
      id: `a${i}`,
      available: parseResources(
        a.reservedTo ? `cpus(${a.reservedTo}):${a.cpus};mem:${a.mem}` : `cpus:${a.cpus};mem:${a.mem}`,
      ).filter((r) => (r.scalar?.value ?? 0) > 0),
    }))
    const tot = { cpus: 200, mem: 200_000 }
    const weights = new Map(Object.entries(w))
    const blocked = new Set(filters.map(([f, a]) => `f${String(f).padStart(2, '0')}/a${a}`))
    const isFiltered = (f: string, a: string) => blocked.has(`${f}/${a}`)
    // identity shuffle, so both see the agents in the same order
    const fast = allocate(frameworks, agents, tot, isFiltered, weights, () => 0.999999)
    const expected = naiveAllocate(frameworks, agents, tot, isFiltered, weights)
    const got = new Map([...fast].map(([id, l]) => [id, l.map((g) => g.agentId)]))
    expect(new Map([...got].sort())).toEqual(new Map([...expected].sort()))
  })
})
