/** Offer matching: resources, ports, constraints, stickiness, failover, maintenance, volumes, and refuse times. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import type { Offer, Resource } from '../../core-cluster/proto/index.js'
import { parseAttributes, parseResources } from '../../core-cluster/proto/index.js'
import { newNode } from './broker.js'
import {
  declineSeconds,
  type Fit,
  isFit,
  MAINTENANCE_RETRY_SECONDS,
  type Mismatch,
  matchOffer,
  NEVER_MATCH_SECONDS,
} from './matching.js'

function offer(resources: string, hostname = '127.0.1.1', attributes = 'rack:r1'): Offer {
  return {
    id: { value: 'o1' },
    framework_id: { value: 'f' },
    agent_id: { value: 'a1' },
    hostname,
    resources: parseResources(resources),
    attributes: parseAttributes(attributes),
  }
}
function broker(cpus = 0.5, mem = 768) {
  const n = newNode(0)
  n.cpus = cpus
  n.mem = mem
  n.active = true
  return n
}

describe('offer matching (mesos/kafka Broker.matches)', () => {
  test('takes cpus, mem and the lowest offered port, and keeps the rack attribute', () => {
    const m = matchOffer(offer('cpus:2;mem:4096;ports:[31005-31999,31000-31002]'), broker())
    expect(isFit(m)).toBe(true)
    const fit = m as Fit
    expect(fit.port).toBe(31000)
    expect(fit.attributes).toEqual({ rack: 'r1' })
    expect(fit.resources.find((r) => r.name === 'cpus')?.scalar?.value).toBe(0.5)
    expect(fit.resources.find((r) => r.name === 'ports')?.ranges?.range).toEqual([{ begin: 31000, end: 31000 }])
  })

  test('a port range picks the first offered port inside it', () => {
    const n = broker()
    n.port = { start: 31500, end: 31600 }
    expect((matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]'), n) as Fit).port).toBe(31500)
    n.port = { start: 9092, end: 9092 }
    expect((matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]'), n) as Mismatch).reason).toMatch(/no port in 9092/)
  })

  test.each([
    ['cpus:0.25;mem:4096;ports:[31000-31999]', /cpus < 0.5/],
    ['cpus:2;mem:512;ports:[31000-31999]', /mem < 768/],
    ['cpus:2;mem:4096', /no ports/],
  ])('refuses %s for an hour', (res, reason) => {
    const m = matchOffer(offer(res), broker()) as Mismatch
    expect(m.reason).toMatch(reason)
    expect(m.retryAfterSeconds).toBe(NEVER_MATCH_SECONDS)
  })

  test('stickiness: only the last host until the period ends', () => {
    const n = broker()
    const now = 1_000_000
    n.stickiness = { periodMs: 600_000, hostname: '127.0.1.2', stopTime: now - 60_000 }
    const other = matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.1'), n, now) as Mismatch
    expect(other.reason).toMatch(/stickiness/)
    expect(other.retryAfterSeconds).toBe(540)
    expect(isFit(matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.2'), n, now))).toBe(true)
    expect(isFit(matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.1'), n, now + 600_000))).toBe(true)
  })

  test('maintenance: a draining machine takes no new placement, but a broker whose data is there restarts on it', () => {
    const draining = {
      ...offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.3'),
      unavailability: { start: { nanoseconds: Date.UTC(2030, 0, 1) * 1e6 } },
    }
    const fresh = matchOffer(draining, broker()) as Mismatch
    expect(fresh.reason).toBe('host 127.0.1.3 is scheduled for maintenance from 2030-01-01T00:00:00.000Z')
    expect(fresh.retryAfterSeconds).toBe(MAINTENANCE_RETRY_SECONDS)
    const sticky = broker()
    sticky.stickiness = { periodMs: 600_000, hostname: '127.0.1.3', stopTime: Date.now() - 1000 }
    expect(isFit(matchOffer(draining, sticky))).toBe(true)
    expect(isFit(matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.3'), broker()))).toBe(true)
  })

  test('failover delay: offers wait until failureTime + delay', () => {
    const n = broker()
    const now = 5_000_000
    n.failover = { delayMs: 60_000, maxDelayMs: 600_000, failures: 2, failureTime: now - 30_000 }
    const m = matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]'), n, now) as Mismatch
    expect(m.retryAfterSeconds).toBe(90) // 2nd failure: 2m delay, 30 s gone
    expect(isFit(matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]'), n, now + 90_000))).toBe(true)
  })

  test('constraints: checked after resources and before stickiness; a failure never matches', () => {
    const n = broker()
    n.constraints = 'rack=unique'
    const others = [{ hostname: '127.0.1.2', attributes: { rack: 'r2' } }]
    expect(
      isFit(matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.1', 'rack:r1'), n, Date.now(), others)),
    ).toBe(true)
    const taken = matchOffer(
      offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.2', 'rack:r2'),
      n,
      Date.now(),
      others,
    ) as Mismatch
    expect(taken.reason).toBe('rack=unique: rack r2 does not match (others: r2)')
    expect(taken.retryAfterSeconds).toBe(NEVER_MATCH_SECONDS)
    // resources come first
    expect(
      (
        matchOffer(
          offer('cpus:0.1;mem:4096;ports:[31000-31999]', '127.0.1.2', 'rack:r2'),
          n,
          Date.now(),
          others,
        ) as Mismatch
      ).reason,
    ).toMatch(/^cpus/)
    // constraints before stickiness: a sticky broker on the wrong rack hears about the constraint
    const now = 1_000_000
    n.stickiness = { periodMs: 600_000, hostname: '127.0.1.1', stopTime: now }
    expect(
      (matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.2', 'rack:r2'), n, now, others) as Mismatch)
        .reason,
    ).toMatch(/^rack=unique/)
    expect(
      (matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.3', 'rack:r3'), n, now, others) as Mismatch)
        .reason,
    ).toMatch(/stickiness/)
    // an offer without the attribute
    expect(
      (matchOffer(offer('cpus:2;mem:4096;ports:[31000-31999]', '127.0.1.3', ''), n, now, others) as Mismatch).reason,
    ).toMatch(/^no rack attribute/)
  })

  test.prop([
    fc.array(fc.integer({ min: 1, max: 7200 }), { minLength: 1, maxLength: 5 }),
    fc.double({ min: 0, max: 0.9999, noNaN: true }),
  ])(
    'refuse_seconds is the shortest wait ±1/6 (a broker due soon is never starved by one that never matches)',
    (waits, r) => {
      const s = declineSeconds(waits, () => r)
      const base = Math.min(...waits)
      expect(s).toBeGreaterThanOrEqual(Math.max(1, Math.floor(base - base / 6)))
      expect(s).toBeLessThanOrEqual(Math.ceil(base + base / 6))
    },
  )
})

describe('persistent volume (--volume, mesos/kafka#231, #225, #226)', () => {
  const volume = (id: string, size = 1000, containerPath = 'data'): Resource => ({
    name: 'disk',
    type: 'SCALAR',
    scalar: { value: size },
    role: 'kafka',
    reservation: { principal: 'kp' },
    disk: { persistence: { id, principal: 'kp' }, volume: { container_path: containerPath, mode: 'RW' } },
  })
  const withVolumes = (...volumes: Resource[]): Offer => {
    const o = offer('cpus:2;mem:4096;disk:500;ports:[31000-31999]')
    return { ...o, resources: [...o.resources!, ...volumes] }
  }
  const volumeBroker = (v = 'kafka-$id') => Object.assign(broker(), { volume: v })

  test('an offer with the volume ($id replaced) fits: the task takes the whole disk resource exactly as offered', () => {
    const offered = volume('kafka-0', 1234.5)
    const fit = matchOffer(withVolumes(volume('kafka-1'), offered), volumeBroker()) as Fit
    expect(isFit(fit)).toBe(true)
    expect(fit.volume).toEqual({ id: 'kafka-0', containerPath: 'data' })
    const disks = fit.resources.filter((r) => r.name === 'disk')
    expect(disks).toEqual([offered]) // the volume's size, role, reservation and persistence: nothing else of the disk
  })

  test('the container path comes from the volume', () => {
    expect((matchOffer(withVolumes(volume('v', 10, 'store/k')), volumeBroker('v')) as Fit).volume).toEqual({
      id: 'v',
      containerPath: 'store/k',
    })
  })

  test.each([
    ['no volume at all', [] as Resource[]],
    ['only another id', [volume('kafka-1'), volume('kafka-$id')]],
  ])('%s: refused for an hour, with the reason broker list shows', (_what, volumes) => {
    const m = matchOffer(withVolumes(...volumes), volumeBroker()) as Mismatch
    expect(m.reason).toBe('no persistent volume kafka-0 offered')
    expect(m.retryAfterSeconds).toBe(NEVER_MATCH_SECONDS)
  })

  test('plain disk with the right size is not the volume; checked after cpus/mem/port, before constraints', () => {
    expect(
      (matchOffer(offer('cpus:2;mem:4096;disk:100000;ports:[31000-31999]'), volumeBroker()) as Mismatch).reason,
    ).toMatch(/no persistent volume/)
    expect((matchOffer(offer('cpus:0.1;mem:4096;ports:[31000-31999]'), volumeBroker()) as Mismatch).reason).toMatch(
      /^cpus </,
    )
    const constrained = Object.assign(volumeBroker(), { constraints: 'rack=like:r9' })
    expect((matchOffer(withVolumes(), constrained) as Mismatch).reason).toMatch(/no persistent volume/)
    expect((matchOffer(withVolumes(volume('kafka-0')), constrained) as Mismatch).reason).not.toMatch(/volume/)
  })

  test('no --volume: no disk is taken even when volumes are offered', () => {
    const fit = matchOffer(withVolumes(volume('kafka-0')), broker()) as Fit
    expect(fit.resources.some((r) => r.name === 'disk')).toBe(false)
    expect(fit.volume).toBeUndefined()
  })
})
