/** Kafka's client-quota API (KIP-546) on the wire: DescribeClientQuotas and AlterClientQuotas v1. */

/**
 * Kafka's client-quota API (KIP-546), which kafkajs 2.2.4 lacks: DescribeClientQuotas (API key 48)
 * and AlterClientQuotas (API key 49), both at version 1, their first flexible version (compact
 * strings and arrays, tagged fields). Field layouts from Kafka 4.4.0's message specs
 * `DescribeClientQuotas{Request,Response}.json` and `AlterClientQuotas{Request,Response}.json`.
 *
 * An entity is a list of (type, name) pairs: type `client-id`, `user` or `ip`; a null name is the
 * type's default entity. Quota values are doubles keyed by config name (`producer_byte_rate`,
 * `consumer_byte_rate`, `request_percentage`, ...).
 */

import { type Reader, Writer } from './codec.js'
import { requestAny } from './connection.js'
import { KafkaWireError } from './errors.js'

export const DESCRIBE_CLIENT_QUOTAS_API_KEY = 48
export const ALTER_CLIENT_QUOTAS_API_KEY = 49
const VERSION = 1

/** One part of a quota entity; `name` null is the default entity of that type. */
export interface EntityPart {
  type: string
  name: string | null
}

/**
 * A DescribeClientQuotas filter component: `exact` matches `match`, `default` the type's default
 * entity, `any` every named entity of the type (wire match_type 0, 1, 2).
 */
export interface QuotaFilter {
  type: string
  match: { kind: 'exact'; name: string } | { kind: 'default' } | { kind: 'any' }
}

/** An entity and its quota values. */
export interface QuotaEntry {
  entity: EntityPart[]
  values: Record<string, number>
}

/** One AlterClientQuotas op: set `key` to `value`, or remove it (`value` null). */
export interface QuotaOp {
  key: string
  value: number | null
}

const MATCH_TYPE = { exact: 0, default: 1, any: 2 } as const

/** Encodes a DescribeClientQuotas v1 request body. `strict`: leave out entities that have other types too. */
export function describeClientQuotasRequest(filters: readonly QuotaFilter[], strict: boolean): Buffer {
  return new Writer()
    .compactArray(filters, (w, f) => {
      w.compactString(f.type)
        .int8(MATCH_TYPE[f.match.kind])
        .compactNullableString(f.match.kind === 'exact' ? f.match.name : null)
        .tags()
    })
    .bool(strict)
    .tags()
    .build()
}

function entityParts(r: Reader): EntityPart[] {
  return r.compactArray((e) => {
    const part = { type: e.compactString(), name: e.compactNullableString() }
    e.tags()
    return part
  })
}

/**
 * Decodes a DescribeClientQuotas v1 response body.
 * @throws KafkaWireError for a non-zero error code (with Kafka's message); WireError when malformed
 */
export function parseDescribeClientQuotas(r: Reader): QuotaEntry[] {
  r.int32() // throttle_time_ms
  const error = r.int16()
  const message = r.compactNullableString()
  const entries = r.compactArray((e) => {
    const entity = entityParts(e)
    const values: Record<string, number> = {}
    for (const v of e.compactArray((x) => {
      const kv = { key: x.compactString(), value: x.float64() }
      x.tags()
      return kv
    }))
      values[v.key] = v.value
    e.tags()
    return { entity, values }
  })
  r.tags()
  if (error !== 0) throw new KafkaWireError(error, message, 'DescribeClientQuotas')
  return entries
}

/** Encodes an AlterClientQuotas v1 request body (a removal sends value 0 with remove = true). */
export function alterClientQuotasRequest(
  entries: ReadonlyArray<{ entity: EntityPart[]; ops: QuotaOp[] }>,
  validateOnly: boolean,
): Buffer {
  return new Writer()
    .compactArray(entries, (w, e) => {
      w.compactArray(e.entity, (we, p) => {
        we.compactString(p.type).compactNullableString(p.name).tags()
      })
        .compactArray(e.ops, (wo, op) => {
          wo.compactString(op.key)
            .float64(op.value ?? 0)
            .bool(op.value === null)
            .tags()
        })
        .tags()
    })
    .bool(validateOnly)
    .tags()
    .build()
}

/**
 * Decodes an AlterClientQuotas v1 response body.
 * @throws KafkaWireError for the first entry with a non-zero error code (Kafka's message says why,
 *   e.g. an unknown quota key); WireError when malformed
 */
export function parseAlterClientQuotas(r: Reader): Array<{ entity: EntityPart[] }> {
  r.int32() // throttle_time_ms
  const entries = r.compactArray((e) => {
    const error = e.int16()
    const message = e.compactNullableString()
    const entity = entityParts(e)
    e.tags()
    return { error, message, entity }
  })
  r.tags()
  const bad = entries.find((e) => e.error !== 0)
  if (bad) throw new KafkaWireError(bad.error, bad.message, 'AlterClientQuotas')
  return entries.map((e) => ({ entity: e.entity }))
}

/**
 * Asks any of `endpoints` (brokers) for the quotas matching `filters`.
 * @throws KafkaWireError when Kafka refuses; Error when no broker answers
 */
export async function describeClientQuotas(
  endpoints: readonly string[],
  filters: readonly QuotaFilter[],
  strict = true,
  timeoutMs = 10_000,
): Promise<QuotaEntry[]> {
  const { reader } = await requestAny(
    endpoints,
    {
      apiKey: DESCRIBE_CLIENT_QUOTAS_API_KEY,
      apiVersion: VERSION,
      body: describeClientQuotasRequest(filters, strict),
      flexible: true,
      timeoutMs,
    },
    'DescribeClientQuotas',
  )
  return parseDescribeClientQuotas(reader)
}

/**
 * Sets and removes quota values through any of `endpoints` (a broker forwards to the active controller).
 * @throws KafkaWireError when Kafka refuses (bad key or value: Kafka's message); Error when no broker answers
 */
export async function alterClientQuotas(
  endpoints: readonly string[],
  entries: ReadonlyArray<{ entity: EntityPart[]; ops: QuotaOp[] }>,
  validateOnly = false,
  timeoutMs = 10_000,
): Promise<void> {
  const { reader } = await requestAny(
    endpoints,
    {
      apiKey: ALTER_CLIENT_QUOTAS_API_KEY,
      apiVersion: VERSION,
      body: alterClientQuotasRequest(entries, validateOnly),
      flexible: true,
      timeoutMs,
    },
    'AlterClientQuotas',
  )
  parseAlterClientQuotas(reader)
}
