import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { newNode } from './broker.js'
import { controllerBlockers, controllerCatchUpBlockers, nextController, rollOrder } from './roll-order.js'

const C = 1_000_000

describe('rolling restart order with controllers', () => {
  test('controllers first, the active controller last, then brokers in the given order', () => {
    const nodes = [
      newNode(0),
      newNode(2),
      newNode(C + 1, 'controller'),
      newNode(1),
      newNode(C, 'controller'),
      newNode(C + 2, 'controller'),
    ]
    expect(rollOrder(nodes, C + 1).map((n) => n.id)).toEqual([C, C + 2, C + 1, 0, 2, 1])
    expect(rollOrder(nodes, undefined).map((n) => n.id)).toEqual([C, C + 1, C + 2, 0, 2, 1])
    expect(rollOrder([newNode(0), newNode(1)], C).map((n) => n.id)).toEqual([0, 1])
  })

  test.prop([
    fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 }),
    fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 5, maxLength: 5 }),
  ])(
    'asked again before each controller, the leader of that moment is never picked while another controller is left',
    (ids, leaders) => {
      const pending = ids.map((i) => ({ id: C + i }))
      const order: number[] = []
      for (let step = 0; pending.length > 0; step++) {
        const leader = C + leaders[step % leaders.length]
        const next = nextController(pending, leader)!
        if (pending.length > 1) expect(next.id).not.toBe(leader)
        order.push(next.id)
        pending.splice(pending.indexOf(next), 1)
      }
      expect([...order].sort()).toEqual(ids.map((i) => C + i).sort())
    },
  )
})

describe('may a controller stop?', () => {
  const now = 1_000_000_000
  const q = (leaderId: number, caughtUp: Record<number, number>) => ({
    leaderId,
    voters: Object.entries(caughtUp).map(([id, ago]) => ({
      replicaId: Number(id),
      lastCaughtUpTimestamp: ago < 0 ? -1 : now - ago,
    })),
  })

  test('3 voters: a follower may stop while the other two are caught up; not when the other follower lags', () => {
    expect(controllerBlockers(C + 1, q(C, { [C]: 0, [C + 1]: 100, [C + 2]: 100 }), now)).toEqual([])
    expect(controllerBlockers(C + 1, q(C, { [C]: 0, [C + 1]: 100, [C + 2]: 60_000 }), now)[0]).toMatch(
      /only 1 of the 2 other voters are caught up \(1000002 behind\), 2 needed/,
    )
    expect(controllerBlockers(C + 1, q(C, { [C]: 0, [C + 1]: 100, [C + 2]: -1 }), now)).toHaveLength(1)
  })

  test('a single controller may always stop; a restarted one must be a caught-up voter again', () => {
    expect(controllerBlockers(C, q(C, { [C]: 0 }), now)).toEqual([])
    expect(controllerCatchUpBlockers(C + 1, q(C, { [C]: 0, [C + 1]: 100 }), now)).toEqual([])
    expect(controllerCatchUpBlockers(C + 1, q(C, { [C]: 0, [C + 1]: 60_000 }), now)[0]).toMatch(/has not caught up/)
    expect(controllerCatchUpBlockers(C + 2, q(C, { [C]: 0 }), now)[0]).toMatch(/not among the voters/)
  })
})
