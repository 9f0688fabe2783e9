import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { parseResources } from '../proto/index.js'
import { allocate, dominantShare, type AllocatorFramework } from './allocator.js'
import { OfferFilters } from './filters.js'

const total = { cpus: 10, mem: 10_000 }
const fw = (id: string, cpus: number, mem: number, active = true, role = '*'): AllocatorFramework => ({ id, role, active, allocated: { cpus, mem } })

describe('DRF allocator', () => {
  test('dominant share is the larger of the cpu and mem shares, divided by the weight', () => {
    expect(dominantShare(fw('a', 2, 1000), total)).toBeCloseTo(0.2)
    expect(dominantShare(fw('a', 1, 5000), total)).toBeCloseTo(0.5)
    expect(dominantShare(fw('a', 1, 5000), total, 2)).toBeCloseTo(0.25)
  })

  test('an agent goes to the framework with the lowest dominant share; inactive ones get nothing', () => {
    const grants = allocate([fw('rich', 5, 1000), fw('poor', 1, 1000), fw('off', 0, 0, false)], [{ id: 'a1', available: parseResources('cpus:2;mem:1024') }], total, () => false)
    expect([...grants.keys()]).toEqual(['poor'])
  })

  test('reserved resources go only to their role', () => {
    const grants = allocate([fw('other', 0, 0, true, 'web')], [{ id: 'a1', available: parseResources('cpus(kafka):2;mem(kafka):1024') }], total, () => false)
    expect(grants.size).toBe(0)
  })

  test.prop([fc.array(fc.tuple(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 10_000 })), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 20 })])(
    'every agent is given to at most one framework, and some framework gets every allocatable agent',
    (allocs, agents) => {
      const frameworks = allocs.map(([c, m], i) => fw(`f${i}`, c, m))
      const list = Array.from({ length: agents }, (_, i) => ({ id: `a${i}`, available: parseResources('cpus:1;mem:512') }))
      const grants = allocate(frameworks, list, total, () => false)
      const given = [...grants.values()].flat().map((g) => g.agentId)
      expect(new Set(given).size).toBe(given.length)
      expect(given.length).toBe(agents)
    },
  )
})

describe('refuse filters (Mesos subset semantics)', () => {
  test('filter a refused agent until expiry, unless it now has more', () => {
    const f = new OfferFilters()
    const refused = parseResources('cpus:2;mem:1024')
    f.add('fw', 'a1', refused, 10, 0, 1000)
    expect(f.isFiltered('fw', 'a1', parseResources('cpus:1;mem:512'), 5000)).toBe(true)
    expect(f.isFiltered('fw', 'a1', parseResources('cpus:4;mem:1024'), 5000)).toBe(false)
    expect(f.isFiltered('fw', 'a1', refused, 10_000)).toBe(false)
    f.add('fw', 'a1', refused, 0, 0, 1000)
    expect(f.isFiltered('fw', 'a1', refused, 1)).toBe(false)
  })
})
