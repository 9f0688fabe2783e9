/** The `quota *` commands against a mocked scheduler API: the request each sends, its table and its --json output. */

import { describe, expect, test } from 'vitest'
import { API, mockApi, runCommand, tableCells } from '../cli.test-support.js'
import QuotaList from './list.js'
import QuotaSet from './set.js'

const api = mockApi()
const quotas = {
  'app-1': { producer_byte_rate: 1024 },
  '<default>': { consumer_byte_rate: 2048, request_percentage: 50 },
}

describe('quota list', () => {
  test('client ids by default; one row per entity, "-" where a quota is not set', async () => {
    api.answer('quota/list', quotas)
    const r = await runCommand(QuotaList, ['--api', API])
    expect(api.seen[0]).toMatchObject({ path: '/api/quota/list', form: { entityType: 'clients' } })
    expect(tableCells(r.stdout)).toEqual([
      ['client id', 'producer_byte_rate', 'consumer_byte_rate', 'request_percentage'],
      ['<default>', '-', '2048', '50'],
      ['app-1', '1024', '-', '-'],
    ])
    expect(r.code).toBe(0)
  })

  test('--users and an entity; none: "no quotas"; --json', async () => {
    api.answer('quota/list', (form) => ({ body: form.entity === 'nobody' ? {} : { alice: { producer_byte_rate: 1 } } }))
    expect((await runCommand(QuotaList, ['alice', '--users', '--api', API])).stdout).toMatch(/│ user +│/)
    expect((await runCommand(QuotaList, ['nobody', '--users', '--api', API])).stdout).toBe('no quotas\n')
    expect(JSON.parse((await runCommand(QuotaList, ['alice', '--json', '--api', API])).stdout)).toEqual({
      alice: { producer_byte_rate: 1 },
    })
    expect(api.seen.map((s) => s.form)).toEqual([
      { entityType: 'users', entity: 'alice' },
      { entityType: 'users', entity: 'nobody' },
      { entityType: 'clients', entity: 'alice' },
    ])
  })
})

describe('quota set', () => {
  test('only the given quotas are sent ("" removes one); prints "quotas set:" and the table', async () => {
    api.answer('quota/set', { 'app-1': { producer_byte_rate: 1024 } })
    const r = await runCommand(QuotaSet, [
      'app-1',
      '--producer-byte-rate',
      '1024',
      '--request-percentage',
      '',
      '--api',
      API,
    ])
    expect(api.seen[0].form).toEqual({
      entityType: 'clients',
      entity: 'app-1',
      producerByteRate: '1024',
      requestPercentage: '',
    })
    expect(r.stdout.split('\n')[0]).toBe('quotas set:')
    expect(r.stdout).toMatch(/│ app-1 +│ 1024 +│ - +│ - +│/)
  })

  test('--users --json; an entity is required', async () => {
    api.answer('quota/set', { alice: { consumer_byte_rate: 5 } })
    const r = await runCommand(QuotaSet, ['alice', '--users', '--consumer-byte-rate', '5', '--json', '--api', API])
    expect(JSON.parse(r.stdout)).toEqual({ alice: { consumer_byte_rate: 5 } })
    expect(api.seen[0].form).toEqual({ entityType: 'users', entity: 'alice', consumerByteRate: '5' })
    expect((await runCommand(QuotaSet, ['--api', API])).code).toBe(2)
  })
})
