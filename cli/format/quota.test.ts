/** The quota table of `quota list|set`. */
import { describe, expect, test } from 'vitest'

import { formatQuotas } from './quota.js'

describe('quota list output', () => {
  test('a table with the three quota keys, - where not set, other keys Kafka reports after them', () => {
    const out = formatQuotas(
      {
        'app-1': { producer_byte_rate: 1048576 },
        '<default>': { consumer_byte_rate: 2048, controller_mutation_rate: 10 },
      },
      'clients',
    )
    const lines = out.split('\n').map((l) => l.replace(/\s+/g, ' ').trim())
    expect(lines[1]).toBe(
      '│ client id │ producer_byte_rate │ consumer_byte_rate │ request_percentage │ controller_mutation_rate │',
    )
    expect(lines[3]).toBe('│ <default> │ - │ 2048 │ - │ 10 │')
    expect(lines[5]).toBe('│ app-1 │ 1048576 │ - │ - │ - │')
    expect(formatQuotas({}, 'users')).toBe('no quotas')
    expect(formatQuotas({ alice: { request_percentage: 50 } }, 'users')).toMatch(/│ user +│/)
  })
})
