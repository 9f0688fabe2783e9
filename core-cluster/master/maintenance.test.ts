/** The maintenance state's tests: machine modes, rule breaks, inverse-offer answers, registry round trip. */

import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { type MachineMode, Maintenance, MaintenanceError } from './maintenance.js'

const soon = { start: { nanoseconds: 1_900_000_000_000_000_000 }, duration: { nanoseconds: 3600e9 } }
const host = (h: string) => ({ hostname: h })

describe('maintenance schedule and machine modes (Mesos maintenance primitives)', () => {
  test('scheduled machines drain; START_MAINTENANCE takes them DOWN; STOP_MAINTENANCE brings them UP and off the schedule', () => {
    const m = new Maintenance()
    expect(
      m.updateSchedule({ windows: [{ machine_ids: [host('a'), { ip: '10.0.0.2' }], unavailability: soon }] }),
    ).toEqual({ draining: [host('a'), { ip: '10.0.0.2' }], up: [] })
    expect(m.modeOf('A')).toBe('DRAINING') // hostnames compare case-insensitively
    expect(m.modeOf('other', '10.0.0.2')).toBe('DRAINING')
    expect(m.modeOf('b')).toBe('UP')
    expect(m.machineOf('a')?.unavailability).toEqual(soon)

    m.start([host('a')])
    expect(m.modeOf('a')).toBe('DOWN')
    expect(m.status()).toEqual({
      draining_machines: [{ id: { ip: '10.0.0.2' }, statuses: [] }],
      down_machines: [host('a')],
    })

    m.stop([host('a')])
    expect(m.modeOf('a')).toBe('UP')
    expect(m.getSchedule().windows[0]!.machine_ids).toEqual([{ ip: '10.0.0.2' }])
  })

  test('rule breaks are refused with the machine and the rule named', () => {
    const m = new Maintenance()
    expect(() => m.start([host('a')])).toThrow(/machine a is not in the maintenance schedule/)
    expect(() =>
      m.updateSchedule({ windows: [{ machine_ids: [host('a'), host('A')], unavailability: soon }] }),
    ).toThrow(/appears more than once/)
    expect(() => m.updateSchedule({ windows: [{ machine_ids: [], unavailability: soon }] })).toThrow(
      /schedule\.windows\[0\]\.machine_ids must list at least one machine/,
    )
    expect(() => m.updateSchedule({ windows: [{ machine_ids: [{}], unavailability: soon }] })).toThrow(
      /needs a 'hostname' or an 'ip'/,
    )
    expect(() =>
      m.updateSchedule({ windows: [{ machine_ids: [{ ip: '10.0.0.300' }], unavailability: soon }] }),
    ).toThrow(/'ip' must be an IPv4 address/)
    expect(() => m.updateSchedule({ windows: [{ machine_ids: [host('a')] }] })).toThrow(/unavailability is required/)
    m.updateSchedule({ windows: [{ machine_ids: [host('a')], unavailability: soon }] })
    expect(() => m.stop([host('a')])).toThrow(/machine a is not DOWN/)
    m.start([host('a')])
    expect(() => m.start([host('a')])).toThrow(/already DOWN/)
    expect(() => m.updateSchedule({ windows: [] })).toThrow(/machine a is DOWN and cannot be removed from the schedule/)
    expect(() => m.stop([])).toThrow(MaintenanceError)
  })

  test('inverse-offer answers are kept per draining machine and dropped when it leaves the schedule', () => {
    const m = new Maintenance()
    m.updateSchedule({ windows: [{ machine_ids: [host('a')], unavailability: soon }] })
    m.answer(host('a'), 'fw-1', 'ACCEPT', 1000)
    m.answer(host('a'), 'fw-2', 'DECLINE', 2000)
    m.answer(host('zzz'), 'fw-1', 'ACCEPT') // not draining: ignored
    expect(m.status().draining_machines).toEqual([
      {
        id: host('a'),
        statuses: [
          { status: 'ACCEPT', framework_id: { value: 'fw-1' }, timestamp: { nanoseconds: 1e9 } },
          { status: 'DECLINE', framework_id: { value: 'fw-2' }, timestamp: { nanoseconds: 2e9 } },
        ],
      },
    ])
    m.updateSchedule({ windows: [] })
    m.updateSchedule({ windows: [{ machine_ids: [host('a')], unavailability: soon }] })
    expect(m.status().draining_machines[0]!.statuses).toEqual([])
  })

  test('a record restores the same schedule and DOWN machines (registry round trip)', () => {
    const m = new Maintenance()
    m.updateSchedule({ windows: [{ machine_ids: [host('a'), host('b')], unavailability: soon }] })
    m.start([host('b')])
    const again = new Maintenance()
    again.restore(JSON.parse(JSON.stringify(m.record())))
    expect(again.status()).toEqual(m.status())
    expect(['a', 'b', 'c'].map((h) => again.modeOf(h))).toEqual(['DRAINING', 'DOWN', 'UP'])
  })

  test('property: any sequence of calls only makes legal moves, and a DOWN machine is always scheduled', () => {
    const names = ['a', 'b', 'c', 'd']
    const op = fc.oneof(
      fc.record({ kind: fc.constant('schedule' as const), machines: fc.subarray(names) }),
      fc.record({ kind: fc.constant('start' as const), machines: fc.subarray(names, { minLength: 1 }) }),
      fc.record({ kind: fc.constant('stop' as const), machines: fc.subarray(names, { minLength: 1 }) }),
    )
    const legal = new Set([
      'UP>UP',
      'DRAINING>DRAINING',
      'DOWN>DOWN',
      'UP>DRAINING',
      'DRAINING>UP',
      'DRAINING>DOWN',
      'DOWN>UP',
    ])
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const m = new Maintenance()
        for (const o of ops) {
          const before = new Map<string, MachineMode>(names.map((n) => [n, m.modeOf(n)]))
          try {
            if (o.kind === 'schedule')
              m.updateSchedule({
                windows: o.machines.length ? [{ machine_ids: o.machines.map(host), unavailability: soon }] : [],
              })
            else if (o.kind === 'start') m.start(o.machines.map(host))
            else m.stop(o.machines.map(host))
          } catch (e) {
            expect(e).toBeInstanceOf(MaintenanceError)
            for (const n of names) expect(m.modeOf(n)).toBe(before.get(n)) // a refused call changes nothing
            continue
          }
          for (const n of names) expect(legal.has(`${before.get(n)}>${m.modeOf(n)}`)).toBe(true)
          const scheduled = new Set(m.getSchedule().windows.flatMap((w) => w.machine_ids.map((x) => x.hostname)))
          for (const d of m.status().down_machines) expect(scheduled.has(d.hostname)).toBe(true)
        }
      }),
      { numRuns: 500 },
    )
  })
})
