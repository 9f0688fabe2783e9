/** The quota params: entity types, entities and values, and the errors naming the field. */

import { describe, expect, test } from 'vitest'

import { ApiError, validate } from './params.js'
import { QuotaListSchema, QuotaSetSchema } from './quotas.js'

function error(params: Record<string, string>): string {
  try {
    validate(QuotaSetSchema, params)
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) return e.message
    throw e
  }
  throw new Error('no error')
}

describe('quota params (mesos/kafka QuotaApi)', () => {
  test('entityType defaults to clients; users accepted; "" removes a quota', () => {
    expect(validate(QuotaSetSchema, { entity: 'app', producerByteRate: '1048576', consumerByteRate: '' })).toEqual({
      entityType: 'clients',
      entity: 'app',
      producerByteRate: 1048576,
      consumerByteRate: null,
      requestPercentage: undefined,
    })
    expect(validate(QuotaSetSchema, { entityType: 'users', entity: 'alice', requestPercentage: '12.5' })).toMatchObject(
      { entityType: 'users', requestPercentage: 12.5 },
    )
    expect(validate(QuotaListSchema, {})).toEqual({ entityType: 'clients', entity: undefined })
  })

  test('bad input names the field: invalid entity type, invalid entity, invalid quotas', () => {
    expect(error({ entityType: 'topics', entity: 'a', producerByteRate: '1' })).toBe(
      'entityType: invalid entity type "topics": expected clients or users',
    )
    expect(error({ producerByteRate: '1' })).toMatch(/^entity: invalid entity: required/)
    expect(error({ entity: ' ', producerByteRate: '1' })).toMatch(/^entity: invalid entity: required/)
    expect(error({ entity: 'a', producerByteRate: '1.5' })).toMatch(
      /^producerByteRate: invalid quotas: expected a whole number of bytes\/s of at least 1 such as 1048576/,
    )
    expect(error({ entity: 'a', consumerByteRate: 'abc' })).toMatch(/^consumerByteRate: invalid quotas/)
    expect(error({ entity: 'a', requestPercentage: '0' })).toMatch(
      /^requestPercentage: invalid quotas: expected a percentage greater than 0/,
    )
  })
})
