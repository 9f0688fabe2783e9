/** The resource operations' tests: resource identity, RESERVE/UNRESERVE properties, CREATE/DESTROY of volumes. */
import { fc, test as fcTest } from '@fast-check/vitest'
import { describe, expect, test } from 'vitest'
import {
  addResources,
  containsResources,
  normalizeResource,
  parseResources,
  type Resource,
  resourceRole,
  sameResources,
  scalarSum,
  subtractResources,
  toPreRefinement,
} from '../proto/index.js'
import { offerableTo } from './allocator/roles.js'
import {
  applyCheckpointed,
  applyConversion,
  checkpointedOf,
  create,
  destroy,
  reserve,
  unreserve,
} from './operations.js'

const dyn = (role: string, principal = 'p') => ({ type: 'DYNAMIC' as const, role, principal })
const scalar = (name: string, value: number, reservations: Resource['reservations'] = undefined): Resource => ({
  name,
  type: 'SCALAR',
  scalar: { value },
  ...(reservations ? { reservations } : {}),
})
const ctx = (total: Resource[] = []) => ({ role: 'kafka', principal: 'p', agentTotal: total })

describe('resource identity', () => {
  test('the pre-refinement and refinement formats of one reservation are the same resource', () => {
    const old: Resource = {
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value: 1 },
      role: 'kafka',
      reservation: { principal: 'p' },
    }
    const stack = scalar('cpus', 1, [dyn('kafka')])
    expect(containsResources([old], [stack])).toBe(true)
    expect(normalizeResource(old)).toEqual(stack)
    expect(toPreRefinement(stack)).toMatchObject({ role: 'kafka', reservation: { type: 'DYNAMIC', principal: 'p' } })
    // a static reservation from --resources is not the same as a dynamic one of the same role
    const stat = parseResources('cpus(kafka):1')[0]
    expect(containsResources([stat], [stack])).toBe(false)
    expect(resourceRole(normalizeResource(stat))).toBe('kafka')
  })

  test('reservations with other principals or labels do not merge; same ones do', () => {
    const a = scalar('mem', 100, [dyn('kafka', 'a')])
    const b = scalar('mem', 100, [dyn('kafka', 'b')])
    expect(addResources([a], [b])).toHaveLength(2)
    expect(addResources([a], [a])).toEqual([scalar('mem', 200, [dyn('kafka', 'a')])])
  })

  test('a persistent volume is contained only whole', () => {
    const vol: Resource = {
      ...scalar('disk', 100, [dyn('kafka')]),
      disk: { persistence: { id: 'v1' }, volume: { container_path: 'data', mode: 'RW' } },
    }
    expect(containsResources([vol], [vol])).toBe(true)
    expect(containsResources([vol], [{ ...vol, scalar: { value: 50 } }])).toBe(false)
    expect(containsResources([scalar('disk', 100, [dyn('kafka')])], [vol])).toBe(false)
  })

  test('hierarchical roles: a reservation for eng is offerable to eng/backend, not the other way', () => {
    const avail = [scalar('cpus', 1, [dyn('eng')]), scalar('mem', 64, [dyn('eng/backend')]), scalar('disk', 10)]
    expect(offerableTo('eng/backend', avail).map((r) => r.name)).toEqual(['cpus', 'mem', 'disk'])
    expect(offerableTo('eng', avail).map((r) => r.name)).toEqual(['cpus', 'disk'])
    expect(offerableTo('engineering', avail).map((r) => r.name)).toEqual(['disk'])
  })
})

/** Random agent-like resources: unreserved cpus/mem/disk plus a static reservation. */
const amount = fc.integer({ min: 1, max: 4000 }).map((n) => n / 4)
const agentResources = fc
  .record({ cpus: amount, mem: amount, disk: amount, staticCpus: amount })
  .map((a) =>
    [
      ...parseResources(`cpus:${a.cpus};mem:${a.mem};disk:${a.disk};ports:[31000-31999]`),
      ...parseResources(`cpus(kafka):${a.staticCpus}`),
    ].map(normalizeResource),
  )

describe('RESERVE and UNRESERVE (properties)', () => {
  fcTest.prop([agentResources, fc.double({ min: 0.01, max: 1, noNaN: true })])(
    'reserve then unreserve gives the total back; amounts are conserved',
    (total, fraction) => {
      const want = ['cpus', 'mem', 'disk'].map((name) =>
        scalar(
          name,
          Math.max(
            0.001,
            Math.round(
              scalarSum(
                total.filter((r) => !r.reservations),
                name,
              ) *
                fraction *
                1000,
            ) / 1000,
          ),
          [dyn('kafka')],
        ),
      )
      const r = reserve(ctx(total), total, want)
      if ('error' in r) throw new Error(r.error)
      const reserved = applyConversion(total, r)
      for (const name of ['cpus', 'mem', 'disk'])
        expect(scalarSum(reserved, name)).toBeCloseTo(scalarSum(total, name), 6)
      expect(containsResources(reserved, want)).toBe(true)
      expect(offerableTo('web', reserved).some((x) => x.reservations?.some((s) => s.type === 'DYNAMIC'))).toBe(false)
      expect(checkpointedOf(reserved)).toHaveLength(3)
      // the agent's checkpoint rebuilds the same total from --resources
      expect(sameResources(applyCheckpointed(total, checkpointedOf(reserved)).total, reserved)).toBe(true)
      const u = unreserve(ctx(reserved), reserved, want)
      if ('error' in u) throw new Error(u.error)
      expect(sameResources(applyConversion(reserved, u), total)).toBe(true)
    },
  )

  fcTest.prop([agentResources, fc.double({ min: 1.01, max: 3, noNaN: true })])(
    'more than offered is refused and changes nothing',
    (total, factor) => {
      const cpus = scalarSum(
        total.filter((r) => !r.reservations),
        'cpus',
      )
      const r = reserve(ctx(total), total, [
        scalar('cpus', Math.round(cpus * factor * 1000) / 1000 + 0.001, [dyn('kafka')]),
      ])
      expect('error' in r).toBe(true)
    },
  )

  fcTest.prop([
    fc.array(fc.tuple(fc.constantFrom('cpus', 'mem', 'disk'), amount), { minLength: 1, maxLength: 6 }),
    fc.array(fc.tuple(fc.constantFrom('cpus', 'mem', 'disk'), amount), { maxLength: 6 }),
  ])('subset semantics: a - b + b contains a, and a contains a - b', (xs, ys) => {
    const a = xs.map(([n, v]) => scalar(n, v))
    const b = ys.map(([n, v]) => scalar(n, v))
    const diff = subtractResources(a, b)
    expect(containsResources(a, diff)).toBe(true)
    expect(containsResources(addResources(diff, b), a)).toBe(true)
    if (containsResources(a, b)) expect(sameResources(addResources(diff, b), a)).toBe(true)
  })

  test('refinement: eng reserved, then refined to eng/backend, needs RESERVATION_REFINEMENT', () => {
    const eng = [scalar('cpus', 2, [dyn('eng')])]
    const refined = [scalar('cpus', 1, [dyn('eng'), dyn('eng/backend')])]
    const c = { role: 'eng/backend', principal: 'p', agentTotal: eng }
    const r = reserve({ ...c, refinement: true }, eng, refined)
    if ('error' in r) throw new Error(r.error)
    expect(sameResources(applyConversion(eng, r), [scalar('cpus', 1, [dyn('eng')]), ...refined])).toBe(true)
    expect(reserve({ ...c, refinement: false }, eng, refined)).toMatchObject({
      error: expect.stringMatching(/RESERVATION_REFINEMENT/),
    })
    expect(reserve({ ...c, refinement: true }, eng, [scalar('cpus', 1, [dyn('eng'), dyn('ops/x')])])).toMatchObject({
      error: expect.stringMatching(/offer's role|sub-role/),
    })
  })

  test('refused: wrong role, wrong principal, static reservation, unreserving a volume', () => {
    const total = parseResources('cpus:4;mem:1024;disk:1000').map(normalizeResource)
    expect(reserve(ctx(total), total, [scalar('cpus', 1, [dyn('web')])])).toMatchObject({
      error: expect.stringMatching(/offer's role 'kafka'/),
    })
    expect(reserve(ctx(total), total, [scalar('cpus', 1, [dyn('kafka', 'mallory')])])).toMatchObject({
      error: expect.stringMatching(/principal/),
    })
    expect(reserve(ctx(total), total, [scalar('cpus', 1, [{ type: 'STATIC', role: 'kafka' }])])).toMatchObject({
      error: expect.stringMatching(/DYNAMIC/),
    })
    const stat = parseResources('cpus(kafka):2').map(normalizeResource)
    expect(unreserve(ctx(stat), stat, [scalar('cpus', 1, [{ type: 'STATIC', role: 'kafka' }])])).toMatchObject({
      error: expect.stringMatching(/static/),
    })
  })
})

describe('CREATE and DESTROY of persistent volumes', () => {
  const disk = scalar('disk', 500, [dyn('kafka')])
  const vol: Resource = {
    ...disk,
    disk: { persistence: { id: 'data-1', principal: 'p' }, volume: { container_path: 'data', mode: 'RW' } },
  }

  test('create on reserved disk, destroy gives the disk back; unreserve of the volume is refused', () => {
    const total = [disk, scalar('cpus', 1)]
    const c = create(ctx(total), total, [vol])
    if ('error' in c) throw new Error(c.error)
    const withVol = applyConversion(total, c)
    expect(containsResources(withVol, [vol])).toBe(true)
    expect(checkpointedOf(withVol)).toEqual([vol])
    expect(sameResources(applyCheckpointed([scalar('disk', 500), scalar('cpus', 1)], [vol]).total, withVol)).toBe(true)
    expect(unreserve(ctx(withVol), withVol, [vol])).toMatchObject({ error: expect.stringMatching(/DESTROY/) })
    // the same id again is refused
    expect(create(ctx(withVol), addResources(withVol, [disk]), [vol])).toMatchObject({
      error: expect.stringMatching(/already in use/),
    })
    const d = destroy(ctx(withVol), withVol, [vol])
    if ('error' in d) throw new Error(d.error)
    expect(sameResources(applyConversion(withVol, d), total)).toBe(true)
  })

  test('refused: unreserved disk, absolute or .. container path, missing id', () => {
    const plain = [scalar('disk', 500)]
    expect(create(ctx(plain), plain, [{ ...scalar('disk', 100), disk: vol.disk }])).toMatchObject({
      error: expect.stringMatching(/reserved disk/),
    })
    expect(
      create(ctx([disk]), [disk], [{ ...vol, disk: { ...vol.disk, volume: { container_path: '/etc' } } }]),
    ).toMatchObject({ error: expect.stringMatching(/relative/) })
    expect(
      create(ctx([disk]), [disk], [{ ...vol, disk: { ...vol.disk, volume: { container_path: 'a/../../x' } } }]),
    ).toMatchObject({ error: expect.stringMatching(/'\.\.'/) })
    expect(create(ctx([disk]), [disk], [{ ...disk, disk: { volume: { container_path: 'x' } } }])).toMatchObject({
      error: expect.stringMatching(/persistence.id/),
    })
  })
})
