/** The topic and partition routes: each parses its params and calls one kafka/ TopicCommands method. */

/**
 * Topic and partition routes of the REST API, mesos/kafka's paths, params and JSON shapes
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/TopicApi.scala`, `PartitionApi.scala`),
 * carried out through Kafka's Admin API (kafka/topic-commands.ts):
 *
 * - `GET|POST /api/topic/list` `topic` (expr, default `*`) → `{"topics":[Topic]}`
 * - `POST /api/topic/add` `topic`, `broker` (`*`), `partitions` (1), `replicas` (1),
 *   `fixedStartIndex` (-1), `startPartitionId` (-1), `options` (k=v,...) → `{"topics":[Topic]}`
 * - `POST /api/topic/update` `topic`, `options` (required; replaces the overrides) → `{"topics":[Topic]}`
 * - `POST /api/topic/delete` `topic` → `{"topics":[deleted Topic]}`
 * - `GET|POST /api/topic/rebalance` `topic` (omit or `status` for the status), `broker` (`*`),
 *   `replicas` (-1), `fixedStartIndex`, `startPartitionId`, `timeout` (period; none = don't wait),
 *   `realign` (bool), `dryRun` (bool), `throttle` (MB/s), `cancel` (bool: cancel the running
 *   reassignments) → `{"status","state","error","moves","throttle","progress"}`; with a `timeout` and
 *   `Accept: application/x-ndjson`, progress lines are streamed while waiting (ndjson.ts)
 * - `POST /api/topic/elect-leaders` `topic` (expr, required) → preferred-leader election (elect.ts)
 *   `{"status","elected","notNeeded","failed"}`
 * - `GET|POST /api/partition/list` `topic` (required) → `{"<topic>":[{id,replicas,isr,leader,expectedLeader}]}`
 *
 * Bad input is 400 `{"error","code"}` naming the field, Kafka's refusals included; 503 when no
 * broker runs or Kafka can't be reached.
 */

import type { Context, Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import { parseMap, parsePeriod, ValueError } from '../../contract/index.js'
import { brokerRefs, ExprError } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import {
  AssignmentError,
  KafkaRequestError,
  KafkaWireError,
  kafkaAdmin,
  NoBrokersError,
  TopicCommands,
  TopicExprError,
  WireError,
} from '../kafka/index.js'
import { streamNdjson, wantsNdjson } from './ndjson.js'
import { ApiError, number, readParams, validate, via } from './params.js'

/** A flag param: present without a value, `true` or `1` is true; `false`/`0` false. */
const bool = z
  .string()
  .optional()
  .transform((s) => s !== undefined && s !== 'false' && s !== '0')

const topicRequired = z
  .string({ error: 'topic required: a topic expression such as t, a,b, logs-* or *' })
  .trim()
  .min(1, 'topic required: a topic expression such as t, a,b, logs-* or *')

/** `topic/add` params (mesos/kafka's `TopicApi.scala`). */
export const AddSchema = z.object({
  topic: topicRequired,
  broker: z.string().trim().min(1, 'broker: an id expression such as 0..2 or *[rack]').default('*'),
  partitions: number('partitions', '3', { integer: true, min: 1 }).default(1),
  replicas: number('replicas', '3', { integer: true, min: 1 }).default(1),
  fixedStartIndex: number('fixedStartIndex', '0 (-1 = random)', { integer: true, min: -1 }).default(-1),
  startPartitionId: number('startPartitionId', '0 (-1 = from 0)', { integer: true, min: -1 }).default(-1),
  options: via((s) => parseMap(s, 'options')).default({}),
})

/** `topic/update` params: options required ("" clears every override). */
export const UpdateSchema = z.object({
  topic: topicRequired,
  options: via((s) => parseMap(s, 'options')).optional(),
})

/** `topic/rebalance` params (mesos/kafka's) plus `dryRun`, `cancel`, `throttle`. */
export const RebalanceSchema = z.object({
  topic: z.string().trim().optional(),
  broker: z.string().trim().min(1, 'broker: an id expression such as 0..3').default('*'),
  replicas: number('replicas', '3 (-1 = keep the current replication factor)', { integer: true, min: -1 }).default(-1),
  fixedStartIndex: number('fixedStartIndex', '0 (-1 = random)', { integer: true, min: -1 }).default(-1),
  startPartitionId: number('startPartitionId', '0 (-1 = from 0)', { integer: true, min: -1 }).default(-1),
  timeout: via((s) => parsePeriod(s, 'timeout')).optional(),
  realign: bool,
  dryRun: bool,
  cancel: bool,
  /** MB/s (MiB: 1048576 bytes/s), replication throttle during the moves */
  throttle: z
    .string()
    .transform((s, ctx) => {
      const n = Number(s.trim())
      if (s.trim() === '' || !Number.isFinite(n) || n <= 0) {
        ctx.addIssue({
          code: 'custom',
          message: `throttle: expected MB/s greater than 0 such as 10 or 0.5, got "${s}"`,
        })
        return z.NEVER
      }
      return n
    })
    .optional(),
})

/** Maps our and Kafka's errors to API answers; unknown ones go on to the app's 500 handler. */
export function toApiError(e: unknown): unknown {
  if (e instanceof ApiError) return e
  if (e instanceof TopicExprError) return new ApiError(400, `topic: ${e.message}`, e.code)
  if (e instanceof ExprError) return new ApiError(400, `broker: ${e.message}`, e.code)
  if (e instanceof AssignmentError) return new ApiError(400, e.message, e.code)
  if (e instanceof KafkaRequestError) return new ApiError(400, e.message, e.code)
  if (e instanceof ValueError) return new ApiError(400, e.message, e.code)
  if (e instanceof NoBrokersError) return new ApiError(503, e.message, e.code)
  if (e instanceof KafkaWireError) return new ApiError(400, `Kafka refused: ${e.message}`, e.code)
  if (e instanceof WireError) return new ApiError(503, `Kafka answered something unreadable: ${e.message}`, e.code)
  if (e instanceof Error && e.message.startsWith('no broker answered'))
    return new ApiError(503, `Kafka is not reachable: ${e.message}`, 'KM_ERR_KAFKA_UNAVAILABLE')
  const name = (e as Error)?.name ?? ''
  if (/KafkaJS(Connection|NumberOfRetriesExceeded|RequestTimeout|BrokerNotFound)/.test(name)) {
    return new ApiError(503, `Kafka is not reachable: ${(e as Error).message}`, 'KM_ERR_KAFKA_UNAVAILABLE')
  }
  return e
}

/** Registers the topic and partition routes on `app` (see the module comment). */
export function registerTopicRoutes(app: Hono, scheduler: KafkaScheduler, log: Logger): void {
  const topics = new TopicCommands(kafkaAdmin(scheduler), () => brokerRefs(scheduler.state.brokers), log)

  /** Runs a handler; errors become API answers. */
  const handle = (fn: (c: Context, params: Record<string, string>) => Promise<Response>) => async (c: Context) => {
    try {
      return await fn(c, await readParams(c))
    } catch (e) {
      throw toApiError(e)
    }
  }

  app.on(
    ['GET', 'POST'],
    '/api/topic/list',
    handle(async (c, params) => c.json({ topics: await topics.list(params.topic || '*') })),
  )

  app.post(
    '/api/topic/add',
    handle(async (c, params) => c.json({ topics: await topics.add(validate(AddSchema, params)) })),
  )

  app.post(
    '/api/topic/update',
    handle(async (c, params) => {
      const p = validate(UpdateSchema, params)
      if (p.options === undefined)
        throw new ApiError(400, 'options required: k=v,... (replaces the topic\'s config overrides; "" clears them)')
      return c.json({ topics: await topics.update(p.topic, p.options) })
    }),
  )

  app.post(
    '/api/topic/delete',
    handle(async (c, params) => {
      const p = validate(z.object({ topic: topicRequired }), params)
      return c.json({ topics: await topics.delete(p.topic) })
    }),
  )

  app.on(
    ['GET', 'POST'],
    '/api/topic/rebalance',
    handle(async (c, params) => {
      const answer = await topics.rebalance(validate(RebalanceSchema, params))
      if (typeof answer !== 'function') return c.json(answer)
      if (!wantsNdjson(c)) return c.json(await answer())
      return streamNdjson(c, log, answer, (e) => {
        const err = toApiError(e)
        return err instanceof ApiError ? { error: err.message, code: err.code } : undefined
      })
    }),
  )

  app.post(
    '/api/topic/elect-leaders',
    handle(async (c, params) => {
      const p = validate(z.object({ topic: topicRequired }), params)
      return c.json(await topics.electLeaders(p.topic))
    }),
  )

  app.on(
    ['GET', 'POST'],
    '/api/partition/list',
    handle(async (c, params) => {
      if (!params.topic) throw new ApiError(400, 'topic: invalid topic expression: required, such as t, a,b or *')
      return c.json(await topics.partitions(params.topic))
    }),
  )
}
