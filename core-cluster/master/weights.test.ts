/** The `--weights` flag's tests. */
import { describe, expect, test } from 'vitest'
import { parseWeights } from './weights.js'

describe('role weights', () => {
  test('--weights parsing', () => {
    expect([...parseWeights('kafka=3,web=1, eng/backend=0.5')]).toEqual([
      ['kafka', 3],
      ['web', 1],
      ['eng/backend', 0.5],
    ])
    expect(() => parseWeights('kafka=0')).toThrow(/above 0/)
    expect(() => parseWeights('kafka')).toThrow(/role=weight/)
    expect(() => parseWeights('/x=1')).toThrow(/must not start/)
  })
})
