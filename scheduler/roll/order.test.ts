/** The order of a rolling restart: controllers first, the active controller last (asked again before each), then brokers. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { newNode } from '../brokers/index.js'
import { nextController, rollOrder } from './order.js'

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
