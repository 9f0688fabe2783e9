/** The route of a rolling restart: `POST /api/broker/restart`, answered at the end or streamed as ndjson. */

/**
 * `POST /api/broker/restart`, mesos/kafka's `restart`
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`); roll/ does the work.
 *
 * Params: `broker` (id expression, required; controllers are named by their ids, 1000000 up; `*`
 * means every broker, as mesos/kafka), `timeout` (Period, per node; default 5m, 2m with
 * `noWaitForReplication`), `noWaitForReplication` (flag: skip every Kafka check).
 *
 * Answers `{"status":"restarted","brokers":[...]}`; on a timeout HTTP 200
 * `{"status":"timeout","brokers":[],"message":"broker N timeout on stop|start|replication"}`.
 * With `Accept: application/x-ndjson` the answer is streamed: `{"progress":"..."}` lines, then the
 * answer object as the last line.
 * Errors (before anything is restarted): 400 for bad params, `broker N not found`, `broker N is not
 * active`, `broker N is not running`; 409 while another rolling restart runs, and 409
 * `KM_ERR_REASSIGNING` while a partition reassignment runs (ListPartitionReassignments; skipped with
 * `noWaitForReplication`, which skips every Kafka check).
 */

import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import { parsePeriod } from '../../contract/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { beginRestart } from '../roll/index.js'
import { streamNdjson, wantsNdjson } from './ndjson.js'
import { readParams, validate, via } from './params.js'

const RestartSchema = z.object({
  broker: z
    .string({ error: 'broker: required, an id expression such as 0..2' })
    .trim()
    .min(1, 'broker: required, an id expression such as 0..2'),
  timeout: via((s) => parsePeriod(s, 'timeout')).optional(),
  // mesos/kafka's CLI sends `noWaitForReplication=true`; its server only checked presence. `false` means false here.
  noWaitForReplication: z
    .string()
    .optional()
    .transform((s) => s !== undefined && s !== 'false'),
})

/** Registers `POST /api/broker/restart` (see the module doc). */
export function registerRestartRoutes(app: Hono, scheduler: KafkaScheduler, log: Logger): void {
  app.post('/api/broker/restart', async (c) => {
    const roll = await beginRestart(scheduler, validate(RestartSchema, await readParams(c)), log)
    if (!wantsNdjson(c)) return c.json(await roll(() => undefined))
    return streamNdjson(c, log, roll, () => undefined)
  })
}
