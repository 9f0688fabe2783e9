/** The human output of `quota list|set`: a table of entities and their client quotas. */
// Columns `entity | producer_byte_rate | consumer_byte_rate | request_percentage` (and any other key
// Kafka reports), `-` where a quota is not set.

import Table from 'cli-table3'

import type { QuotaResponse } from '../client/index.js'

const KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage']

/** The table, or `no quotas` when no entity has one. */
export function formatQuotas(res: QuotaResponse, entityType: string): string {
  const entities = Object.keys(res).sort()
  if (entities.length === 0) return 'no quotas'
  const keys = [
    ...KEYS,
    ...[...new Set(entities.flatMap((e) => Object.keys(res[e])))].filter((k) => !KEYS.includes(k)).sort(),
  ]
  const table = new Table({
    head: [entityType === 'users' ? 'user' : 'client id', ...keys],
    style: { head: [], border: [] },
  })
  for (const e of entities) table.push([e, ...keys.map((k) => (res[e][k] === undefined ? '-' : String(res[e][k])))])
  return table.toString()
}
