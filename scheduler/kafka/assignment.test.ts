/** Replica assignment: Kafka's known outputs, realign, and their invariants. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'

import { type Assignment, AssignmentError, assignReplicas, realign, sameAssignment } from './assignment.js'

// Expected outputs below are derived by hand from the definition in Kafka's
// AdminUtils.assignReplicasToBrokersRackUnaware (server-common/.../admin/AdminUtils.java):
// first = brokers[(id + startIndex) % n], others at 1 + (shift + j) % (n - 1) after it, shift += 1
// whenever id > 0 and id % n == 0; startIndex = shift = fixedStartIndex.
describe("assignReplicas: Kafka's known outputs", () => {
  test('5 brokers, 10 partitions, RF 3, fixedStartIndex 0 = the AdminUtils javadoc table / AdminTest.testReplicaAssignment', () => {
    expect(assignReplicas({ brokers: [0, 1, 2, 3, 4], partitions: 10, replicas: 3, fixedStartIndex: 0 })).toEqual({
      0: [0, 1, 2],
      1: [1, 2, 3],
      2: [2, 3, 4],
      3: [3, 4, 0],
      4: [4, 0, 1],
      5: [0, 2, 3],
      6: [1, 3, 4],
      7: [2, 4, 0],
      8: [3, 0, 1],
      9: [4, 1, 2],
    })
  })

  test('3 brokers, 6 partitions, RF 3, fixedStartIndex 1: start index and shift both 1, shift 2 from p3', () => {
    expect(assignReplicas({ brokers: [0, 1, 2], partitions: 6, replicas: 3, fixedStartIndex: 1 })).toEqual({
      0: [1, 0, 2],
      1: [2, 1, 0],
      2: [0, 2, 1],
      3: [1, 2, 0],
      4: [2, 0, 1],
      5: [0, 1, 2],
    })
  })

  test('startPartitionId 3 numbers partitions from 3 and bumps the shift at id 4 (4 brokers)', () => {
    expect(
      assignReplicas({
        brokers: [10, 20, 30, 40],
        partitions: 2,
        replicas: 2,
        fixedStartIndex: 0,
        startPartitionId: 3,
      }),
    ).toEqual({
      3: [40, 10],
      4: [10, 30],
    })
  })

  test('the broker list order is the placement order (rack interleave happens before)', () => {
    expect(assignReplicas({ brokers: [1, 2, 0], partitions: 3, replicas: 2, fixedStartIndex: 0 })).toEqual({
      0: [1, 2],
      1: [2, 0],
      2: [0, 1],
    })
  })

  test('RF 1 on one broker works; RF 2 on one broker is an error', () => {
    expect(assignReplicas({ brokers: [7], partitions: 2, replicas: 1 })).toEqual({ 0: [7], 1: [7] })
    expect(() => assignReplicas({ brokers: [7], partitions: 1, replicas: 2 })).toThrow(
      'replicas: Replication factor: 2 larger than available brokers: 1.',
    )
  })

  test.each([
    [{ brokers: [0, 1], partitions: 0, replicas: 1 }, /^partitions: /],
    [{ brokers: [0, 1], partitions: 1, replicas: 0 }, /^replicas: /],
    [
      { brokers: [0, 1], partitions: 1, replicas: 3 },
      /^replicas: Replication factor: 3 larger than available brokers: 2\.$/,
    ],
    [{ brokers: [], partitions: 1, replicas: 1 }, /^broker: no brokers/],
    [{ brokers: [1, 1], partitions: 1, replicas: 1 }, /^broker: duplicate/],
    [{ brokers: [0, 1], partitions: 1, replicas: 1, fixedStartIndex: -2 }, /^fixedStartIndex: /],
    [{ brokers: [0, 1], partitions: 1.5, replicas: 1 }, /^partitions: /],
  ])('bad input %j is an AssignmentError naming the field', (opts, message) => {
    expect(() => assignReplicas(opts)).toThrow(AssignmentError)
    expect(() => assignReplicas(opts)).toThrow(message)
  })
})

const brokerList = fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 12 })
const assignInput = brokerList.chain((brokers) =>
  fc.record({
    brokers: fc.constant(brokers),
    partitions: fc.integer({ min: 1, max: 60 }),
    replicas: fc.integer({ min: 1, max: brokers.length }),
    fixedStartIndex: fc.integer({ min: -1, max: 20 }),
    startPartitionId: fc.integer({ min: -1, max: 30 }),
  }),
)

describe('assignReplicas properties', () => {
  test.prop([assignInput])(
    'every partition gets RF distinct brokers from the list, ids contiguous from startPartitionId',
    (o) => {
      const a = assignReplicas(o)
      const first = Math.max(0, o.startPartitionId)
      expect(Object.keys(a).map(Number)).toEqual(Array.from({ length: o.partitions }, (_, i) => first + i))
      for (const replicas of Object.values(a)) {
        expect(replicas).toHaveLength(o.replicas)
        expect(new Set(replicas).size).toBe(o.replicas)
        for (const b of replicas) expect(o.brokers).toContain(b)
      }
    },
  )

  test.prop([assignInput])('leaders are round-robin: leader counts differ by at most one', (o) => {
    const counts = new Map(o.brokers.map((b) => [b, 0]))
    for (const r of Object.values(assignReplicas(o))) counts.set(r[0], counts.get(r[0])! + 1)
    const v = [...counts.values()]
    expect(Math.max(...v) - Math.min(...v)).toBeLessThanOrEqual(1)
  })

  test.prop([assignInput, fc.integer({ min: 0, max: 20 })])(
    'a random start equal to k gives the fixedStartIndex k result',
    (o, k) => {
      const rnd = assignReplicas({ ...o, fixedStartIndex: -1, random: () => k })
      expect(rnd).toEqual(assignReplicas({ ...o, fixedStartIndex: k }))
    },
  )

  test.prop([assignInput])('replicas > brokers is always an error', (o) => {
    expect(() => assignReplicas({ ...o, replicas: o.brokers.length + 1 })).toThrow(/larger than available brokers/)
  })
})

describe('realign (mesos/kafka Rebalancer.getRealignments, move only what must move)', () => {
  test('keeps compliant partitions, replaces replicas on disallowed brokers, keeps the rest in order', () => {
    const current: Assignment = { 0: [0, 1], 1: [1, 2], 2: [2, 0] }
    // broker 2 is no longer allowed; 3 is new
    expect(realign(current, { brokers: [0, 1, 3], fixedStartIndex: 0 })).toEqual({ 1: [1, 0], 2: [0, 1] })
  })

  test('raising RF adds replicas, lowering it drops the last ones', () => {
    const current: Assignment = { 0: [0], 1: [1] }
    expect(realign(current, { brokers: [0, 1, 2], replicas: 3, fixedStartIndex: 0 })).toEqual({
      0: [0, 1, 2],
      1: [1, 0, 2],
    })
    expect(realign({ 0: [2, 0, 1] }, { brokers: [0, 1, 2], replicas: 2 })).toEqual({ 0: [2, 0] })
  })

  test('a cluster of 3 reaches the third broker (mesos/kafka stepped past it)', () => {
    expect(realign({ 0: [0, 1, 9] }, { brokers: [0, 1, 2], fixedStartIndex: 0 })).toEqual({ 0: [0, 1, 2] })
  })

  test("not enough brokers is mesos/kafka's error", () => {
    expect(() => realign({ 0: [0, 1, 2] }, { brokers: [0, 1] })).toThrow(
      'broker: not enough candidate brokers to satisfy request',
    )
  })

  const realignInput = brokerList.chain((brokers) =>
    fc.record({
      brokers: fc.constant(brokers),
      current: fc.dictionary(
        fc.integer({ min: 0, max: 20 }).map(String),
        fc.uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 1, maxLength: 5 }),
      ),
      replicas: fc.integer({ min: 1, max: brokers.length }),
      fixedStartIndex: fc.integer({ min: -1, max: 20 }),
    }),
  )

  test.prop([realignInput])(
    'changed partitions get RF distinct allowed brokers and keep their allowed replicas; others are left out',
    (o) => {
      const current = Object.fromEntries(Object.entries(o.current).map(([k, v]) => [Number(k), v])) as Assignment
      const out = realign(current, o)
      for (const [p, members] of Object.entries(current)) {
        const compliant = members.length === o.replicas && members.every((b) => o.brokers.includes(b))
        const next = out[Number(p)]
        if (compliant) {
          expect(next).toBeUndefined()
          continue
        }
        expect(next).toHaveLength(o.replicas)
        expect(new Set(next).size).toBe(o.replicas)
        for (const b of next) expect(o.brokers).toContain(b)
        const kept = members.filter((b) => o.brokers.includes(b)).slice(0, o.replicas)
        expect(next.slice(0, kept.length)).toEqual(kept)
      }
    },
  )
})

describe('sameAssignment', () => {
  test('order of replicas matters (preferred leader), order of keys does not', () => {
    expect(sameAssignment({ 0: [1, 2], 1: [2, 1] }, { 1: [2, 1], 0: [1, 2] })).toBe(true)
    expect(sameAssignment({ 0: [1, 2] }, { 0: [2, 1] })).toBe(false)
    expect(sameAssignment({ 0: [1, 2] }, { 0: [1, 2], 1: [1, 2] })).toBe(false)
  })
})
