/**
 * `POST /api/broker/clone`: new brokers with the settings of an existing one (mesos/kafka
 * reference kafka-mesos.md §2.2; see scheduler/brokers/clone.ts for what is copied).
 *
 * Params: `broker` (id expression of the new ids, required), `source` (exactly one existing id).
 * Answer: `{"brokers":[Broker...]}` with the new, inactive brokers.
 * Errors (HTTP 400 `{"error","code"}`): `broker: ...` for a bad or empty expression or a controller
 * id, `brokers 1,2 already exist`, `source: must be 1 broker`, `source: broker N does not exist`.
 */

import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import { CONTROLLER_BASE_ID } from '../../contract/index.js'
import { cloneBroker } from '../brokers/clone.js'
import { ExprError, expandIds, nodeJson } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { ApiError, readParams, validate } from './params.js'

const CloneSchema = z.object({
  broker: z
    .string({ error: 'broker: required, the new ids such as 3..5' })
    .trim()
    .min(1, 'broker: required, the new ids such as 3..5'),
  source: z
    .string({ error: 'source: required, the id of the broker to copy such as 0' })
    .trim()
    .min(1, 'source: required, the id of the broker to copy such as 0'),
})

/** Registers `POST /api/broker/clone` (see the module doc). */
export function registerCloneRoutes(app: Hono, scheduler: KafkaScheduler, log: Logger): void {
  app.post('/api/broker/clone', async (c) => {
    const p = validate(CloneSchema, await readParams(c))
    const refs = () =>
      scheduler.state.brokers.map((b) => ({
        id: b.id,
        task: b.task ? { hostname: b.task.hostname, attributes: b.task.attributes } : null,
      }))
    const expand = (field: string, expr: string) => {
      try {
        return expandIds(expr, refs())
      } catch (e) {
        if (e instanceof ExprError) throw new ApiError(400, `${field}: ${e.message}`, e.code)
        throw e
      }
    }
    const list = expand('broker', p.broker)
    if (list.length === 0)
      throw new ApiError(400, `broker: "${p.broker}" names no broker; give the new ids such as 3..5`)
    const big = list.find((id) => id >= CONTROLLER_BASE_ID)
    if (big !== undefined)
      throw new ApiError(
        400,
        `broker: id ${big} is reserved for KRaft controllers; use ids below ${CONTROLLER_BASE_ID}`,
      )
    const sources = expand('source', p.source)
    if (sources.length !== 1) throw new ApiError(400, `source: must be 1 broker, "${p.source}" names ${sources.length}`)
    const source = scheduler.state.brokers.find((b) => b.id === sources[0])
    if (!source) throw new ApiError(400, `source: broker ${sources[0]} does not exist`, 'KM_ERR_NOT_FOUND')
    const existing = list.filter((id) => scheduler.state.brokers.some((b) => b.id === id))
    if (existing.length > 0)
      throw new ApiError(
        400,
        `broker${existing.length > 1 ? 's' : ''} ${existing.join(',')} already exist${existing.length > 1 ? '' : 's'}`,
        'KM_ERR_EXISTS',
      )
    const added = list.map((id) => cloneBroker(source, id))
    scheduler.state.brokers.push(...added)
    scheduler.state.brokers.sort((a, b) => a.id - b.id)
    await scheduler.save()
    log.info({ brokers: list, source: source.id }, 'brokers cloned')
    return c.json({ brokers: added.map((b) => nodeJson(b)) })
  })
}
