/** The availability rules of a rolling restart: out-of-sync partitions, min.insync.replicas, reassignments. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { minIsrBlockers, outOfSync, type PartitionState, rollBlockers } from './availability.js'

const p = (topic: string, partition: number, replicas: number[], isr: number[]): PartitionState => ({
  topic,
  partition,
  replicas,
  isr,
})

describe('rolling restart checks (mesos/kafka BrokerApi restart, Strimzi KafkaAvailability)', () => {
  test('out of sync: ISR is not the replica set (order does not matter)', () => {
    expect(outOfSync([p('t', 0, [0, 1, 2], [2, 0, 1]), p('t', 1, [0, 1, 2], [0, 1])]).map((x) => x.partition)).toEqual([
      1,
    ])
  })

  test("Strimzi's three cases", () => {
    const minIsr = new Map([['t', 2]])
    // ISR == min and the broker is in it: blocked
    expect(minIsrBlockers(1, { partitions: [p('t', 0, [0, 1, 2], [0, 1])], minIsr })).toEqual([
      't-0 would drop under min.insync.replicas=2 (ISR [0,1])',
    ])
    // ISR == min but the broker is not in it: fine
    expect(minIsrBlockers(2, { partitions: [p('t', 0, [0, 1, 2], [0, 1])], minIsr })).toEqual([])
    // already under min and the broker has a replica: wait
    expect(minIsrBlockers(2, { partitions: [p('t', 0, [0, 1, 2], [0])], minIsr })[0]).toMatch(/already under/)
    // replicas <= min: restarting cannot make it worse
    expect(minIsrBlockers(0, { partitions: [p('t', 0, [0, 1], [0, 1])], minIsr })).toEqual([])
    // ISR above min: fine
    expect(minIsrBlockers(0, { partitions: [p('t', 0, [0, 1, 2], [0, 1, 2])], minIsr })).toEqual([])
    // a topic without a known min ISR is not judged
    expect(minIsrBlockers(0, { partitions: [p('u', 0, [0, 1, 2], [0])], minIsr })).toEqual([])
  })

  test('rollBlockers: reassignments and lagging partitions wait; without the sync wait only min ISR counts', () => {
    const snap = { partitions: [p('t', 0, [0, 1, 2], [0, 1])], minIsr: new Map([['t', 1]]), reassigning: ['t-3'] }
    const reasons = rollBlockers(0, snap)
    expect(reasons[0]).toMatch(/reassignment in progress: t-3/)
    expect(reasons[1]).toMatch(/1 partition\(s\) not in sync: t-0 ISR \[0,1\] of \[0,1,2\]/)
    expect(rollBlockers(0, { ...snap, reassigning: [] }, false)).toEqual([])
  })

  const arbPartition = fc
    .tuple(fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 1 }), fc.nat(), fc.integer({ min: 1, max: 4 }))
    .map(([replicas, k, min]) => ({ part: p('t', 0, replicas, replicas.slice(0, 1 + (k % replicas.length))), min }))

  test.prop([arbPartition, fc.integer({ min: 0, max: 4 })])(
    'when the rule lets a broker go, its absence keeps every judged partition at or above min ISR',
    ({ part, min }, broker) => {
      const blocked = minIsrBlockers(broker, { partitions: [part], minIsr: new Map([['t', min]]) }).length > 0
      const judged = part.replicas.includes(broker) && part.replicas.length > min
      if (!blocked && judged) expect(part.isr.filter((b) => b !== broker).length).toBeGreaterThanOrEqual(min)
      if (!judged) expect(blocked).toBe(false)
    },
  )
})
