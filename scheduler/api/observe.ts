/** The observability routes: `/api/broker/log` and `/api/broker/metrics` (observe/ asks the executors). */

/**
 * `broker log` and `broker metrics` (mesos/kafka's `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`
 * and `scheduler/BrokerLogManager.scala`): the scheduler asks each broker's executor through a
 * framework message and waits for its reply (contract/executor-messages.ts).
 *
 * Metrics travel the same way, not by the scheduler calling the broker's metrics agent over HTTP:
 * the Jolokia agent then listens on the broker host's loopback only (no JMX on the network, no port
 * taken from the offer), and metrics need nothing the scheduler can't already reach (the master).
 */

import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import { parsePeriod } from '../../contract/index.js'
import {
  type AskContext,
  brokerLogs,
  brokerMetrics,
  DEFAULT_LOG_LINES,
  DEFAULT_LOG_TIMEOUT_MS,
  DEFAULT_METRICS_TIMEOUT_MS,
} from '../observe/index.js'
import { number, readParams, validate, via } from './params.js'

const BROKER_REQUIRED = 'broker: required, an id expression such as 0 or 0..2'
const timeoutParam = (dflt: number) =>
  via((s) => parsePeriod(s, 'timeout'))
    .refine((ms) => ms > 0, 'timeout: must be more than 0, such as 30s')
    .optional()
    .transform((ms) => ms ?? dflt)

/** `broker log` params: `broker`, `name` (stdout), `lines` (100, > 0), `timeout` (30s). */
export const LogParamsSchema = z.object({
  broker: z.string({ error: BROKER_REQUIRED }).trim().min(1, BROKER_REQUIRED),
  name: z
    .string()
    .trim()
    .min(1, 'name: give stdout, stderr or a *.log file such as server.log')
    .optional()
    .transform((s) => s ?? 'stdout'),
  lines: number('lines', '100', { integer: true, min: 1 })
    .optional()
    .transform((n) => n ?? DEFAULT_LOG_LINES),
  timeout: timeoutParam(DEFAULT_LOG_TIMEOUT_MS),
})

/** `broker metrics` params: `broker` (expr, default `*`), `filter` (regexes, one per line), `controllers` (also the KRaft controllers), `timeout` (10s). */
export const MetricsParamsSchema = z.object({
  broker: z
    .string()
    .trim()
    .min(1, BROKER_REQUIRED)
    .optional()
    .transform((s) => s ?? '*'),
  filter: z.string().optional(),
  controllers: z
    .string()
    .optional()
    .transform((s) => s !== undefined && s !== 'false'),
  timeout: timeoutParam(DEFAULT_METRICS_TIMEOUT_MS),
})

/** Registers `/api/broker/log` and `/api/broker/metrics` (GET or POST). */
export function registerObserveRoutes(app: Hono, scheduler: AskContext, log: Logger): void {
  app.on(['GET', 'POST'], '/api/broker/log', async (c) => {
    const results = await brokerLogs(scheduler, validate(LogParamsSchema, await readParams(c)), log)
    if (results === undefined) return c.body(null, 204) // mesos/kafka: 204 when no broker matched
    return c.json(results)
  })

  app.on(['GET', 'POST'], '/api/broker/metrics', async (c) =>
    c.json(await brokerMetrics(scheduler, validate(MetricsParamsSchema, await readParams(c)))),
  )
}
