/** The quota routes: `quota list` and `quota set`, each parsing its params and calling one kafka/ QuotaCommands method. */

/**
 * Quota routes, mesos/kafka's paths, params and JSON shape
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/QuotaApi.scala`), carried out through
 * Kafka's client-quota API (kafka/quota-commands.ts) and extended to users and `request_percentage`:
 *
 * - `GET|POST /api/quota/list` `entityType` (`clients` default, or `users`), `entity` (one entity,
 *   optional; `<default>` the default one) → `{"<entity>":{"producer_byte_rate":N,"consumer_byte_rate":M,"request_percentage":P}}`,
 *   keys that are not set absent.
 * - `POST /api/quota/set` `entityType` (`clients` default, or `users`), `entity` (required),
 *   `producerByteRate`, `consumerByteRate` (bytes/s, whole numbers ≥ 1), `requestPercentage` (> 0);
 *   at least one; `""` removes that quota. Values are merged into the entity's quotas. Answers the
 *   entity's quotas after the change in the list shape (mesos/kafka answered an empty 200).
 *
 * Bad input is 400 naming the field (`entityType: invalid entity type ...`, `entity: invalid entity ...`,
 * `producerByteRate: invalid quotas ...`), Kafka's refusals too; 503 when no broker runs or answers.
 */

import type { Context, Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import type { KafkaScheduler } from '../framework/index.js'
import {
  DEFAULT_ENTITY,
  KafkaWireError,
  kafkaAdmin,
  NoBrokersError,
  QUOTA_ENTITY_TYPES,
  QuotaCommands,
  WireError,
} from '../kafka/index.js'
import { ApiError, readParams, validate } from './params.js'

const entityType = z
  .string()
  .trim()
  .optional()
  .transform((s, ctx) => {
    const v = s === undefined || s === '' ? 'clients' : s
    if ((QUOTA_ENTITY_TYPES as readonly string[]).includes(v)) return v as (typeof QUOTA_ENTITY_TYPES)[number]
    ctx.addIssue({ code: 'custom', message: `entityType: invalid entity type "${s}": expected clients or users` })
    return z.NEVER
  })

const entityMessage = `entity: invalid entity: required, a client id or user name such as app-1, or ${DEFAULT_ENTITY} for the default`

/** A quota value param: `""` removes the quota (null), else a number in range. */
function quotaValue(field: string, integer: boolean, example: string) {
  return z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (s === undefined) return undefined
      const t = s.trim()
      if (t === '') return null
      const n = Number(t)
      const ok = Number.isFinite(n) && (integer ? Number.isInteger(n) && n >= 1 : n > 0)
      if (!ok) {
        ctx.addIssue({
          code: 'custom',
          message: `${field}: invalid quotas: expected ${integer ? 'a whole number of bytes/s of at least 1' : 'a percentage greater than 0'} such as ${example} ("" removes it), got "${s}"`,
        })
        return z.NEVER
      }
      return n
    })
}

export const QuotaListSchema = z.object({
  entityType,
  entity: z.string().trim().min(1, entityMessage).optional(),
})

export const QuotaSetSchema = z.object({
  entityType,
  entity: z.string({ error: entityMessage }).trim().min(1, entityMessage),
  producerByteRate: quotaValue('producerByteRate', true, '1048576'),
  consumerByteRate: quotaValue('consumerByteRate', true, '2097152'),
  requestPercentage: quotaValue('requestPercentage', false, '50'),
})

function toApiError(e: unknown): unknown {
  if (e instanceof ApiError) return e
  if (e instanceof KafkaWireError) return new ApiError(400, `Kafka refused: ${e.message}`, e.code)
  if (e instanceof NoBrokersError) return new ApiError(503, e.message, e.code)
  if (e instanceof WireError) return new ApiError(503, `Kafka answered something unreadable: ${e.message}`, e.code)
  if (e instanceof Error && e.message.startsWith('no broker answered'))
    return new ApiError(503, `Kafka is not reachable: ${e.message}`, 'KM_ERR_KAFKA_UNAVAILABLE')
  return e
}

/** Registers `/api/quota/list` and `/api/quota/set` (see the module comment). */
export function registerQuotaRoutes(app: Hono, scheduler: KafkaScheduler, log: Logger): void {
  const quotas = new QuotaCommands(kafkaAdmin(scheduler), log)
  const handle = (fn: (c: Context, params: Record<string, string>) => Promise<Response>) => async (c: Context) => {
    try {
      return await fn(c, await readParams(c))
    } catch (e) {
      throw toApiError(e)
    }
  }

  app.on(
    ['GET', 'POST'],
    '/api/quota/list',
    handle(async (c, params) => {
      const p = validate(QuotaListSchema, params)
      return c.json(await quotas.list(p.entityType, p.entity))
    }),
  )

  app.post(
    '/api/quota/set',
    handle(async (c, params) => c.json(await quotas.set(validate(QuotaSetSchema, params)))),
  )
}
