/** When a controller may stop during a rolling restart, and when it has caught up again (KafkaQuorumCheck's rule). */

import { describe, expect, test } from 'vitest'
import { controllerBlockers, controllerCatchUpBlockers } from './quorum-check.js'

const C = 1_000_000

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
