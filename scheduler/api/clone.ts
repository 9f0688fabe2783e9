/** The clone route: `POST /api/broker/clone`, new brokers with the settings of an existing one (fleet/clone.ts). */

/**
 * mesos/kafka's `clone` (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`;
 * brokers/clone.ts says what is copied).
 *
 * Params: `broker` (id expression of the new ids, required), `source` (exactly one existing id).
 * Answer: `{"brokers":[Broker...]}` with the new, inactive brokers.
 * Errors (HTTP 400 `{"error","code"}`): `broker: ...` for a bad or empty expression or a controller
 * id, `brokers 1,2 already exist`, `source: must be 1 broker`, `source: broker N does not exist`.
 */

import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import { nodeJson } from '../brokers/index.js'
import { cloneBrokers } from '../fleet/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { readParams, validate } from './params.js'

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
    const added = await cloneBrokers(scheduler, validate(CloneSchema, await readParams(c)), log)
    return c.json({ brokers: added.map((b) => nodeJson(b)) })
  })
}
