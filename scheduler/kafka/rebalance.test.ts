/** The rebalance plan: which partitions move, and to where. */

import { describe, expect, test } from 'vitest'

import { assignReplicas } from './assignment.js'
import { plan } from './rebalance.js'

const base = { replicas: -1, fixedStartIndex: 0, startPartitionId: -1, realign: false }

describe('rebalance plan (mesos/kafka Rebalancer.scala)', () => {
  const current = new Map([
    ['t', assignReplicas({ brokers: [0, 1, 2], partitions: 6, replicas: 2, fixedStartIndex: 0 })],
  ])

  test('scramble: every partition recomputed over the new brokers; only changed ones are moves', () => {
    const target = assignReplicas({ brokers: [0, 1, 2, 3], partitions: 6, replicas: 2, fixedStartIndex: 0 })
    const moves = plan(current, { ...base, brokers: [0, 1, 2, 3] })
    expect(moves.map((m) => m.partition)).toEqual([2, 3, 4, 5])
    for (const m of moves) expect(m.to).toEqual(target[m.partition])
    expect(moves[0]).toEqual({ topic: 't', partition: 2, from: [2, 0], to: [2, 3] })
  })

  test('same brokers and start: nothing moves; --replicas changes the RF of every partition', () => {
    expect(plan(current, { ...base, brokers: [0, 1, 2] })).toEqual([])
    const rf3 = plan(current, { ...base, brokers: [0, 1, 2], replicas: 3 })
    expect(rf3).toHaveLength(6)
    for (const m of rf3) expect(new Set(m.to).size).toBe(3)
  })

  test('startPartitionId rotates the round-robin but keeps partition ids 0..n-1', () => {
    const moves = plan(current, { ...base, brokers: [0, 1, 2], startPartitionId: 1 })
    for (const m of moves) expect(m.partition).toBeLessThan(6)
    expect(moves.find((m) => m.partition === 0)?.to).toEqual([1, 2])
  })

  test('realign moves only partitions on brokers outside the list', () => {
    const moves = plan(current, { ...base, brokers: [0, 1], realign: true })
    expect(moves.every((m) => m.from.includes(2))).toBe(true)
    expect(moves.every((m) => !m.to.includes(2) && m.to.length === 2)).toBe(true)
  })
})
