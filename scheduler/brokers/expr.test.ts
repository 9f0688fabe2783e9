/** Broker id expressions: examples, rack-interleaved order, and properties of the expansion. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'

import { type BrokerRef, ExprError, expandIds, interleaveByAttributes, MAX_EXPR_IDS } from './expr.js'

const task = (hostname: string, attributes: Record<string, string> = {}) => ({ hostname, attributes })

const cluster: BrokerRef[] = [
  { id: 0, task: task('slave0', { rack: 'r1', dc: 'dc1' }) },
  { id: 1, task: task('slave1', { rack: 'r1', dc: 'dc2' }) },
  { id: 2, task: task('master2', { rack: 'r2', dc: 'dc1' }) },
  { id: 3, task: null },
  { id: 5 },
]

describe('expandIds examples (mesos/kafka Expr.expandBrokers)', () => {
  test.each([
    ['0', [0]],
    ['0,1', [0, 1]],
    ['0..2', [0, 1, 2]],
    ['0,1..2', [0, 1, 2]],
    ['*', [0, 1, 2, 3, 5]],
    ['2,0,1,0', [0, 1, 2]],
    [' 1 , 0 .. 1 ', [0, 1]],
    ['5..7', [5, 6, 7]],
    ['3..1', []],
    ['*,9', [0, 1, 2, 3, 5, 9]],
    ['*[rack=r1]', [0, 1]],
    ['0..4[rack=r1,dc=dc1]', [0]],
    ['*[hostname=slave*]', [0, 1]],
    ['*[hostname=*]', [0, 1, 2]],
    ['*[dc]', [0, 1, 2]],
    ['*[ rack = r2 ]', [2]],
    ['*[zone]', []],
    ['5[]', [5]],
    ['6[]', []],
    ['3..7[]', [3, 5]],
  ] as const)('%s -> %j', (expr, ids) => {
    expect(expandIds(expr, cluster)).toEqual(ids)
  })

  test.each(['1*', '', ' ', '..3', '3..', 'a', '1,,2', '[rack=r1]', '1]', '-1', '1.5', '0x1', '1[rack', '*[=x]'])(
    'rejects %j',
    (expr) => {
      let err: unknown
      try {
        expandIds(expr, cluster)
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ExprError)
      expect((err as ExprError).code).toBe('KM_ERR_EXPR')
      expect((err as ExprError).message.startsWith(`invalid broker expression "${expr}": `)).toBe(true)
    },
  )

  test('message for 1*', () => {
    expect(() => expandIds('1*', [])).toThrow(
      'invalid broker expression "1*": "1*" is not a broker id, a range A..B or *',
    )
  })

  test('refuses huge ranges', () => {
    expect(() => expandIds(`0..${MAX_EXPR_IDS}`, [])).toThrow(ExprError)
    expect(expandIds(`0..${MAX_EXPR_IDS - 1}`, [])).toHaveLength(MAX_EXPR_IDS)
  })
})

describe('interleaveByAttributes', () => {
  test('mesos/kafka example: r=2,0,1,1,0,0 with *[r] gives 1,2,0,4,3,5', () => {
    const brokers = ['2', '0', '1', '1', '0', '0'].map((r, id) => ({ id, task: task(`h${id}`, { r }) }))
    expect(interleaveByAttributes('*[r]', brokers)).toEqual([1, 2, 0, 4, 3, 5])
  })

  test('without a filter it is the ascending list', () => {
    expect(interleaveByAttributes('3,1,2', [])).toEqual([1, 2, 3])
  })

  test('groups by several attributes', () => {
    expect(interleaveByAttributes('*[dc,rack]', cluster)).toEqual([0, 2, 1])
  })
})

// --- properties -------------------------------------------------------------------------------

const brokerArb: fc.Arbitrary<BrokerRef[]> = fc.uniqueArray(fc.nat({ max: 60 }), { maxLength: 15 }).chain((ids) =>
  fc.tuple(
    ...ids.map((id) =>
      fc.record({
        id: fc.constant(id),
        task: fc.option(
          fc.record({
            hostname: fc.constantFrom('a1', 'a2', 'b1'),
            attributes: fc.dictionary(fc.constantFrom('rack', 'dc'), fc.constantFrom('r1', 'r2', 'x')),
          }),
        ),
      }),
    ),
  ),
)

const item = fc.oneof(
  fc.nat({ max: 80 }).map(String),
  fc.tuple(fc.nat({ max: 80 }), fc.nat({ max: 80 })).map(([a, b]) => `${a}..${b}`),
  fc.constant('*'),
)
const listArb = fc.array(item, { minLength: 1, maxLength: 5 })

/** Reference semantics for the list part: a straightforward set union. */
function model(items: string[], brokers: BrokerRef[]): number[] {
  const s = new Set<number>()
  for (const it of items) {
    if (it === '*') for (const b of brokers) s.add(b.id)
    else if (it.includes('..')) {
      const [a, b] = it.split('..').map(Number)
      for (let i = a; i <= b; i++) s.add(i)
    } else s.add(Number(it))
  }
  return [...s].sort((x, y) => x - y)
}

describe('expandIds properties', () => {
  test.prop([listArb, brokerArb])('matches the set-union model, sorted and distinct', (items, brokers) => {
    const ids = expandIds(items.join(','), brokers)
    expect(ids).toEqual(model(items, brokers))
  })

  test.prop([listArb, brokerArb])('order of items does not matter', (items, brokers) => {
    expect(expandIds([...items].reverse().join(','), brokers)).toEqual(expandIds(items.join(','), brokers))
  })

  test.prop([listArb, brokerArb, fc.constantFrom('rack', 'dc', 'hostname'), fc.constantFrom('r1', 'a*', 'x', null)])(
    'a filter yields the subset of existing brokers that match',
    (items, brokers, key, value) => {
      const expr = `${items.join(',')}[${value === null ? key : `${key}=${value}`}]`
      const all = expandIds(items.join(','), brokers)
      const filtered = expandIds(expr, brokers)
      const byId = new Map(brokers.map((b) => [b.id, b]))
      const want = all.filter((id) => {
        const t = byId.get(id)?.task
        if (!t) return false
        const actual = key === 'hostname' ? t.hostname : t.attributes[key]
        if (actual === undefined) return false
        if (value === null) return true
        return value.endsWith('*') ? actual.startsWith(value.slice(0, -1)) : actual === value
      })
      expect(filtered).toEqual(want)
    },
  )

  test.prop([listArb, brokerArb, fc.constantFrom('[rack]', '[dc,rack]', '[hostname]', '[]', '')])(
    'interleaveByAttributes is a permutation of expandIds',
    (items, brokers, filter) => {
      const expr = items.join(',') + filter
      const inter = interleaveByAttributes(expr, brokers)
      expect([...inter].sort((a, b) => a - b)).toEqual(expandIds(expr, brokers))
    },
  )

  test.prop([fc.string()])('never throws anything but ExprError', (expr) => {
    try {
      const ids = expandIds(expr, cluster)
      expect(new Set(ids).size).toBe(ids.length)
    } catch (e) {
      expect(e).toBeInstanceOf(ExprError)
    }
  })
})
