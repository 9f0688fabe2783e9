/** The refuse filters' tests: Mesos subset semantics, expiry, and refuse_seconds 0. */
import { describe, expect, test } from 'vitest'
import { parseResources } from '../proto/index.js'
import { OfferFilters } from './filters.js'

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
