/** Constraints: their syntax, normalized form, and evaluation against the other brokers. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { ValueError } from '../../contract/index.js'
import {
  type Constraint,
  checkConstraints,
  constraintMatches,
  formatConstraint,
  formatConstraints,
  type Placement,
  parseConstraint,
  parseConstraints,
} from './constraints.js'

const at = (hostname: string, attributes: Record<string, string> = {}): Placement => ({ hostname, attributes })

const arbValue = fc.stringMatching(/^[a-z0-9.*_-]{1,8}$/)
/** valid regexes: literals, `.` and `x*` */
const arbRegex = fc
  .array(fc.constantFrom('a', 'b', '0', '.', 'a*', '\\.', '\\d', ',', '=', '\\,', '[=,]', '\\\\'), {
    minLength: 1,
    maxLength: 4,
  })
  .map((p) => p.join(''))
const arbConstraint: fc.Arbitrary<Constraint> = fc.oneof(
  arbRegex.map((regex) => ({ kind: 'like' as const, regex })),
  arbRegex.map((regex) => ({ kind: 'unlike' as const, regex })),
  fc.constant({ kind: 'unique' as const }),
  fc.constant({ kind: 'cluster' as const }),
  fc.string({ minLength: 1, maxLength: 8 }).map((value) => ({ kind: 'cluster' as const, value })),
  fc.integer({ min: 1, max: 50 }).map((groups) => ({ kind: 'groupBy' as const, groups })),
)

describe('constraint syntax (mesos/kafka Constraint)', () => {
  test.each([
    ['like:slave.*', { kind: 'like', regex: 'slave.*' }],
    ['unlike:r[12]', { kind: 'unlike', regex: 'r[12]' }],
    ['unique', { kind: 'unique' }],
    ['cluster', { kind: 'cluster' }],
    ['cluster:r1', { kind: 'cluster', value: 'r1' }],
    ['cluster:a:b', { kind: 'cluster', value: 'a:b' }],
    ['groupBy', { kind: 'groupBy', groups: 1 }],
    ['groupBy:3', { kind: 'groupBy', groups: 3 }],
  ])('%s', (s, c) => expect(parseConstraint(s)).toEqual(c))

  test.each([
    ['likes:x'],
    ['unique:1'],
    ['like:'],
    ['like:[a'],
    ['groupBy:0'],
    ['groupBy:x'],
    ['groupBy:-1'],
    ['cluster:'],
    [''],
    ['Unique'],
  ])('refuses %j naming the field', (s) => {
    expect(() => parseConstraint(s)).toThrow(ValueError)
    expect(() => parseConstraint(s)).toThrow(/^constraints: /)
  })

  test('a map of attributes; escapes let regexes carry commas', () => {
    expect(parseConstraints('rack=unique,hostname=like:slave.*')).toEqual({
      rack: { kind: 'unique' },
      hostname: { kind: 'like', regex: 'slave.*' },
    })
    expect(parseConstraints('hostname=like:a{1\\,2}')).toEqual({ hostname: { kind: 'like', regex: 'a{1,2}' } })
    expect(parseConstraints('')).toEqual({})
    expect(() => parseConstraints('rack')).toThrow(/^constraints: /)
    expect(() => parseConstraints('rack=unique,rack=cluster')).toThrow(/two constraints/)
  })

  test.prop([arbConstraint])('format then parse gives the same constraint', (c) => {
    expect(parseConstraint(formatConstraint(c))).toEqual(c)
  })

  test.prop([fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), arbConstraint, { maxKeys: 4 })])(
    'maps round-trip through format/parse',
    (cs) => {
      expect(parseConstraints(formatConstraints(cs))).toEqual(cs)
    },
  )

  test.prop([fc.string({ maxLength: 12 })])('any text either parses or fails with a constraints: ValueError', (s) => {
    try {
      parseConstraints(s)
    } catch (e) {
      expect(e).toBeInstanceOf(ValueError)
      expect((e as Error).message).toMatch(/^constraints: /)
    }
  })
})

describe('constraint evaluation (mesos/kafka Constraint)', () => {
  test('like / unlike are anchored and complementary', () => {
    expect(constraintMatches({ kind: 'like', regex: 'slave.' }, 'slave1', [])).toBe(true)
    expect(constraintMatches({ kind: 'like', regex: 'slave' }, 'slave1', [])).toBe(false)
    expect(constraintMatches({ kind: 'like', regex: 'a|b' }, 'ab', [])).toBe(false)
    expect(constraintMatches({ kind: 'unlike', regex: 'slave.' }, 'slave1', [])).toBe(false)
  })

  test('cluster: the first other value, or any value when there are none', () => {
    expect(constraintMatches({ kind: 'cluster' }, 'r2', [])).toBe(true)
    expect(constraintMatches({ kind: 'cluster' }, 'r2', ['r1', 'r2'])).toBe(false)
    expect(constraintMatches({ kind: 'cluster' }, 'r1', ['r1', 'r2'])).toBe(true)
    expect(constraintMatches({ kind: 'cluster', value: 'r3' }, 'r3', ['r1'])).toBe(true)
  })

  test('groupBy:N: new groups until N exist, then the least loaded', () => {
    const g = (n: number): Constraint => ({ kind: 'groupBy', groups: n })
    expect(constraintMatches(g(1), 'r1', [])).toBe(true)
    expect(constraintMatches(g(1), 'r1', ['r1'])).toBe(true)
    expect(constraintMatches(g(2), 'r1', ['r1'])).toBe(false)
    expect(constraintMatches(g(2), 'r2', ['r1'])).toBe(true)
    expect(constraintMatches(g(2), 'r1', ['r1', 'r2', 'r2'])).toBe(true)
    expect(constraintMatches(g(2), 'r2', ['r1', 'r2', 'r2'])).toBe(false)
    expect(constraintMatches(g(2), 'r3', ['r1', 'r2'])).toBe(false)
  })

  test.prop([arbValue, fc.array(arbValue, { maxLength: 6 })])(
    'unique holds exactly when the value is not taken',
    (v, others) => {
      expect(constraintMatches({ kind: 'unique' }, v, others)).toBe(!others.includes(v))
    },
  )

  test.prop([arbRegex, arbValue, fc.array(arbValue, { maxLength: 4 })])(
    'unlike is the negation of like',
    (regex, v, others) => {
      expect(constraintMatches({ kind: 'unlike', regex }, v, others)).toBe(
        !constraintMatches({ kind: 'like', regex }, v, others),
      )
    },
  )

  // Placing brokers one after another, each on any offered value that the constraint accepts.
  function place(c: Constraint, hosts: string[], brokers: number, pick: number[]): string[] {
    const placed: string[] = []
    for (let i = 0; i < brokers; i++) {
      const ok = hosts.filter((h) => constraintMatches(c, h, placed))
      if (ok.length === 0) break
      placed.push(ok[pick[i % pick.length] % ok.length])
    }
    return placed
  }

  test.prop([
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 12 }),
    fc.integer({ min: 1, max: 5 }),
    fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
  ])(
    'groupBy:N placement fills N new groups first, then keeps groups within one broker of each other',
    (values, brokers, n, pick) => {
      const hosts = Array.from({ length: values }, (_, i) => `r${i}`)
      const placed = place({ kind: 'groupBy', groups: n }, hosts, brokers, pick)
      // fewer offered values than N groups: one broker per value, then the rest wait for a new group
      expect(placed).toHaveLength(values >= n ? brokers : Math.min(values, brokers))
      const counts = [...new Set(placed)].map((h) => placed.filter((p) => p === h).length)
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1)
      expect(new Set(placed.slice(0, Math.min(n, values))).size).toBe(Math.min(n, values, brokers))
    },
  )

  test.prop([
    fc.integer({ min: 1, max: 5 }),
    fc.integer({ min: 1, max: 8 }),
    fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
  ])(
    'unique places at most one broker per value; cluster puts every broker on the first value',
    (values, brokers, pick) => {
      const hosts = Array.from({ length: values }, (_, i) => `r${i}`)
      const unique = place({ kind: 'unique' }, hosts, brokers, pick)
      expect(unique).toHaveLength(Math.min(values, brokers))
      expect(new Set(unique).size).toBe(unique.length)
      const cluster = place({ kind: 'cluster' }, hosts, brokers, pick)
      expect(cluster).toHaveLength(brokers)
      expect(new Set(cluster).size).toBe(1)
    },
  )

  test('checkConstraints: hostname and attributes, missing attribute, first failure explained', () => {
    const others = [at('127.0.1.1', { rack: 'r1' }), at('127.0.1.2', { rack: 'r2' }), at('127.0.1.9')]
    expect(checkConstraints({ rack: { kind: 'unique' } }, at('127.0.1.3', { rack: 'r3' }), others)).toBeUndefined()
    expect(checkConstraints({ rack: { kind: 'unique' } }, at('127.0.1.3', { rack: 'r1' }), others)).toBe(
      'rack=unique: rack r1 does not match (others: r1,r2)',
    )
    expect(checkConstraints({ rack: { kind: 'unique' } }, at('127.0.1.3'), others)).toMatch(/^no rack attribute/)
    expect(
      checkConstraints(
        { hostname: { kind: 'like', regex: '127\\.0\\.1\\.[12]' } },
        at('127.0.1.3', { rack: 'r3' }),
        others,
      ),
    ).toMatch(/^hostname=like:/)
    expect(checkConstraints({ hostname: { kind: 'unique' } }, at('127.0.1.9'), others)).toMatch(
      /hostname 127.0.1.9 does not match/,
    )
  })
})
