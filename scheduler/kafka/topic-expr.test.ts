/** Topic expressions: expansion, internal topics, and malformed expressions. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'

import { expandTopics, TopicExprError } from './topic-expr.js'

const existing = ['a', 'ab', 'b', 'logs-1', 'logs-2', '__consumer_offsets']

describe('expandTopics (mesos/kafka Expr.expandTopics)', () => {
  test.each([
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    ['b, a ,a', ['a', 'b']],
    ['new-topic', ['new-topic']],
    ['a*', ['a', 'ab']],
    ['logs-*', ['logs-1', 'logs-2']],
    ['*', ['a', 'ab', 'b', 'logs-1', 'logs-2']],
    ['__*', ['__consumer_offsets']],
    ['__consumer_offsets', ['__consumer_offsets']],
    ['x*', []],
    ['x*,a', ['a']],
  ] as const)('%s -> %j', (expr, out) => {
    expect(expandTopics(expr, existing)).toEqual(out)
  })

  test.each(['', ' ', 'a,,b', 'a*b', '*a', 'a b', 'ä', '.', '..', 'x'.repeat(250)])(
    '%j is a TopicExprError quoting the expression',
    (expr) => {
      expect(() => expandTopics(expr, existing)).toThrow(TopicExprError)
      expect(() => expandTopics(expr, existing)).toThrow(/^invalid topic expression /)
    },
  )

  const name = fc.stringMatching(/^[a-z0-9._-]{1,12}$/).filter((s) => s !== '.' && s !== '..')
  test.prop([fc.uniqueArray(name, { maxLength: 20 }), fc.array(name, { minLength: 1, maxLength: 5 })])(
    'plain names pass through; * is every non-internal existing topic; results are sorted and distinct',
    (topics, names) => {
      const out = expandTopics(names.join(','), topics)
      expect(out).toEqual([...new Set(names)].sort())
      expect(expandTopics('*', topics)).toEqual(topics.filter((t) => !t.startsWith('__')).sort())
    },
  )

  test.prop([fc.uniqueArray(name, { maxLength: 20 }), fc.stringMatching(/^[a-z]{0,3}$/)])(
    'p* is exactly the existing topics starting with p',
    (topics, p) => {
      expect(expandTopics(`${p}*`, topics)).toEqual(topics.filter((t) => t.startsWith(p) && !t.startsWith('__')).sort())
    },
  )
})
