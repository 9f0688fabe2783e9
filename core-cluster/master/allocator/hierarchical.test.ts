/** The role hierarchy's tests: the role tree shared level by level, quota guarantees and limits, chopping. */
import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import { parseResources, scalarSum } from '../../proto/index.js'
import { allocate } from './allocate.js'
import { clip } from './hierarchical.js'
import type { AllocatorFramework, RoleQuota } from './interface.js'

const fw = (id: string, role: string, active = true): AllocatorFramework => ({
  id,
  role,
  active,
  allocated: { cpus: 0, mem: 0 },
})
const agents = (n: number, text = 'cpus:1;mem:1024') =>
  Array.from({ length: n }, (_, i) => ({ id: `a${i}`, available: parseResources(text) }))

/** cpus granted per role in one cycle. */
function cpusByRole(frameworks: AllocatorFramework[], grants: ReturnType<typeof allocate>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [id, list] of grants) {
    const role = frameworks.find((f) => f.id === id)!.role
    out[role] = (out[role] ?? 0) + list.reduce((n, g) => n + scalarSum(g.resources, 'cpus'), 0)
  }
  return out
}

describe('hierarchical roles', () => {
  test('the tree is shared level by level: eng (eng/a, eng/b) and ops split 1:1, eng/a and eng/b by their weights', () => {
    const frameworks = [fw('f1', 'eng/a'), fw('f2', 'eng/b'), fw('f3', 'ops')]
    const total = { cpus: 12, mem: 12 * 1024 }
    const flat = cpusByRole(
      frameworks,
      allocate(frameworks, agents(12), total, () => false),
    )
    expect(flat).toEqual({ 'eng/a': 3, 'eng/b': 3, ops: 6 })
    const weighted = cpusByRole(
      frameworks,
      allocate(frameworks, agents(12), total, () => false, new Map([['eng/b', 2]])),
    )
    expect(weighted).toEqual({ 'eng/a': 2, 'eng/b': 4, ops: 6 })
  })

  test("a role's own frameworks and its sub-roles share its part", () => {
    const frameworks = [fw('f1', 'eng'), fw('f2', 'eng/a'), fw('f3', 'ops')]
    const got = cpusByRole(
      frameworks,
      allocate(frameworks, agents(8), { cpus: 8, mem: 8 * 1024 }, () => false),
    )
    expect(got).toEqual({ eng: 2, 'eng/a': 2, ops: 4 })
  })
})

describe('quota', () => {
  const quota = (q: Partial<RoleQuota>): RoleQuota => ({ guarantees: {}, limits: {}, ...q })

  test('a guarantee is held as headroom while its role has no framework, and is served first when it has one', () => {
    const total = { cpus: 10, mem: 10 * 1024 }
    const quotas = new Map([['g', quota({ guarantees: { cpus: 4 } })]])
    const greedyOnly = [fw('x', 'x'), fw('gf', 'g', false)]
    expect(
      cpusByRole(
        greedyOnly,
        allocate(greedyOnly, agents(10), total, () => false, new Map(), Math.random, quotas),
      ),
    ).toEqual({ x: 6 })
    const both = [fw('x', 'x'), fw('gf', 'g')]
    const got = cpusByRole(
      both,
      allocate(both, agents(10), total, () => false, new Map(), Math.random, quotas),
    )
    expect(got.g).toBeGreaterThanOrEqual(4)
    expect(got.g + got.x).toBe(10)
  })

  test('a limit is never exceeded; offers are chopped to fit it', () => {
    const quotas = new Map([['x', quota({ limits: { cpus: 2.5 } })]])
    const frameworks = [fw('x', 'x')]
    const grants = allocate(
      frameworks,
      agents(5),
      { cpus: 5, mem: 5 * 1024 },
      () => false,
      new Map(),
      Math.random,
      quotas,
    )
    expect(cpusByRole(frameworks, grants)).toEqual({ x: 2.5 })
  })

  fcTest.prop([
    fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
    fc.integer({ min: 0, max: 10 }),
    fc.integer({ min: 0, max: 10 }),
  ])('limits hold and nothing is given twice, whatever the agents and quotas', (sizes, g, l) => {
    const list = sizes.map((c, i) => ({ id: `a${i}`, available: parseResources(`cpus:${c};mem:${c * 256}`) }))
    const total = { cpus: sizes.reduce((a, b) => a + b, 0), mem: sizes.reduce((a, b) => a + b, 0) * 256 }
    const quotas = new Map([['q', quota({ guarantees: { cpus: Math.min(g, l) }, limits: { cpus: l } })]])
    const frameworks = [fw('q1', 'q'), fw('o1', 'other')]
    const grants = allocate(frameworks, list, total, () => false, new Map(), Math.random, quotas)
    const got = cpusByRole(frameworks, grants)
    expect(got.q ?? 0).toBeLessThanOrEqual(l + 1e-9)
    for (const a of list) {
      const given = [...grants.values()]
        .flat()
        .filter((x) => x.agentId === a.id)
        .reduce((n, x) => n + scalarSum(x.resources, 'cpus'), 0)
      expect(given).toBeLessThanOrEqual(scalarSum(a.available, 'cpus') + 1e-9)
    }
  })

  test("reservations count against a role's limit, as Mesos's quota consumption", () => {
    const quotas = new Map([['x', quota({ limits: { cpus: 2 } })]])
    const frameworks = [fw('x', 'x')]
    const grants = allocate(
      frameworks,
      [{ id: 'a0', available: parseResources('cpus(x):1;cpus:4;mem:1024') }],
      { cpus: 5, mem: 1024 },
      () => false,
      new Map(),
      Math.random,
      quotas,
    )
    expect(cpusByRole(frameworks, grants)).toEqual({ x: 2 })
  })

  test('clip splits scalars and keeps other resources', () => {
    const r = clip(parseResources('cpus:2;mem:1024;ports:[31000-31010]'), 0.5, 100)
    expect(scalarSum(r, 'cpus')).toBe(0.5)
    expect(scalarSum(r, 'mem')).toBe(100)
    expect(r.some((x) => x.name === 'ports')).toBe(true)
  })
})
