/** Rebalance progress: bytes to move, bytes moved (capped, done moves in full), and its invariants. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'

import { formatProgress } from '../../contract/index.js'
import { addedReplicas, bytesToMove, type PlannedMove, progressOf } from './move-progress.js'

const moves: PlannedMove[] = [
  { topic: 't', partition: 2, from: [2, 0], to: [2, 3] },
  { topic: 't', partition: 3, from: [0, 1], to: [3, 1] },
  { topic: 'r', partition: 0, from: [0], to: [0, 1, 2] },
]
const sizes = new Map([
  ['t:2', 4_000_000],
  ['t:3', 2_000_000],
  ['r:0', 1_000_000],
])

describe('rebalance progress in bytes and partitions', () => {
  test('bytes to move: each added replica copies the whole partition', () => {
    expect(addedReplicas(moves[2])).toEqual([1, 2])
    expect(bytesToMove(moves, sizes)).toBe(4_000_000 + 2_000_000 + 2 * 1_000_000)
  })

  test("moved bytes: the added replicas' sizes, capped at the partition size; done moves in full", () => {
    const now = new Map([
      ['3/t:2', 1_000_000],
      ['3/t:3', 9_000_000], // grew past the planned size with new writes: capped
      ['1/r:0', 500_000],
    ])
    const p = progressOf(moves, sizes, now)
    expect(p).toEqual({
      partitions: { done: 0, total: 3 },
      bytes: { moved: 1_000_000 + 2_000_000 + 500_000, total: 8_000_000 },
    })
    expect(formatProgress(p)).toBe('0/3 partitions moved, 3.5 of 8.0 MB copied (43%)')
    const done = progressOf(
      moves.map((m) => ({ ...m, state: 'done' })),
      sizes,
      new Map(),
    )
    expect(done).toEqual({ partitions: { done: 3, total: 3 }, bytes: { moved: 8_000_000, total: 8_000_000 } })
    expect(formatProgress({ partitions: { done: 0, total: 0 }, bytes: { moved: 0, total: 0 } })).toBe(
      '0/0 partitions moved, 0.0 of 0.0 MB copied',
    )
  })

  test.prop([
    fc.array(
      fc.record({
        partition: fc.integer({ min: 0, max: 20 }),
        from: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
        to: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 3 }),
        size: fc.integer({ min: 0, max: 1e9 }),
        copied: fc.array(fc.integer({ min: 0, max: 2e9 }), { maxLength: 3 }),
        done: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
  ])('moved never exceeds the total, and is the total once every move is done', (spec) => {
    const ms = spec.map((s, i) => ({
      topic: `t${i}`,
      partition: s.partition,
      from: s.from,
      to: s.to,
      state: s.done ? 'done' : 'running',
    }))
    const sz = new Map(spec.map((s, i) => [`t${i}:${s.partition}`, s.size]))
    const now = new Map(
      spec.flatMap((s, i) =>
        addedReplicas(ms[i]).map((b, j) => [`${b}/t${i}:${s.partition}`, s.copied[j] ?? 0] as const),
      ),
    )
    const p = progressOf(ms, sz, now)
    expect(p.bytes.moved).toBeLessThanOrEqual(p.bytes.total)
    expect(p.partitions.done).toBe(spec.filter((s) => s.done).length)
    const all = progressOf(
      ms.map((m) => ({ ...m, state: 'done' })),
      sz,
      now,
    )
    expect(all.bytes.moved).toBe(all.bytes.total)
  })
})
