/** Lenient views of a schema: missing and null fields and unknown keys pass, wrong types still fail. */
import { describe, expect, test } from 'vitest'
import { z } from 'zod'
import { lenientObject } from './lenient.js'
import { NodeJsonSchema } from './node-json.js'

const Strict = z.object({ id: z.string(), n: z.number(), tags: z.array(z.string()).optional() })

describe('lenientObject', () => {
  test('every field may be missing or null; unknown keys are kept', () => {
    const L = lenientObject(Strict)
    expect(L.parse({})).toEqual({})
    expect(L.parse({ id: null, n: 1, extra: { a: 1 } })).toEqual({ id: null, n: 1, extra: { a: 1 } })
  })

  test('a field of the wrong type is still refused', () => {
    expect(lenientObject(Strict).safeParse({ n: 'one' }).success).toBe(false)
  })

  test('the node JSON read leniently accepts what a strict reader refuses', () => {
    const partial = { id: '0', state: 'stopped', cpus: null, future: true }
    expect(NodeJsonSchema.safeParse(partial).success).toBe(false)
    expect(lenientObject(NodeJsonSchema).parse(partial)).toEqual(partial)
  })
})
