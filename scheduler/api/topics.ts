/**
 * Topic and partition routes of the REST API, mesos/kafka's paths, params and JSON shapes
 * (reference kafka-mesos.md §2.3, §2.4), carried out through Kafka's Admin API:
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
import type { Admin } from 'kafkajs'
import type { Logger } from 'pino'
import { z } from 'zod'
import { parseMap, parsePeriod, ValueError } from '../../contract/index.js'
import { ExprError, interleaveByAttributes } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import {
  AssignmentError,
  addTopics,
  deleteTopics,
  describeTopics,
  electPreferredLeaders,
  KafkaRequestError,
  KafkaWireError,
  kafkaAdmin,
  NoBrokersError,
  partitionList,
  Rebalancer,
  resolveTopics,
  TopicExprError,
  updateTopics,
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

/** `topic/add` params (§2.3). */
export const AddSchema = z.object({
  topic: topicRequired,
  broker: z.string().trim().min(1, 'broker: an id expression such as 0..2 or *[rack]').default('*'),
  partitions: number('partitions', '3', { integer: true, min: 1 }).default(1),
  replicas: number('replicas', '3', { integer: true, min: 1 }).default(1),
  fixedStartIndex: number('fixedStartIndex', '0 (-1 = random)', { integer: true, min: -1 }).default(-1),
  startPartitionId: number('startPartitionId', '0 (-1 = from 0)', { integer: true, min: -1 }).default(-1),
  options: via((s) => parseMap(s, 'options')).default({}),
})

/** `topic/update` params (§2.3): options required ("" clears every override). */
export const UpdateSchema = z.object({
  topic: topicRequired,
  options: via((s) => parseMap(s, 'options')).optional(),
})

/** `topic/rebalance` params (§2.3) plus `dryRun`. */
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
function toApiError(e: unknown): unknown {
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
  const admin = () => kafkaAdmin(scheduler).get()
  const rebalancer = new Rebalancer(log, admin)

  /** Runs a handler; errors become API answers. */
  const handle = (fn: (c: Context, params: Record<string, string>) => Promise<Response>) => async (c: Context) => {
    try {
      return await fn(c, await readParams(c))
    } catch (e) {
      throw toApiError(e)
    }
  }

  /**
   * The brokers of a `--broker` expression in placement order (rack-interleaved by the filter's
   * attributes, §4), restricted to brokers Kafka has registered: with the default `*` others are
   * skipped; named ones that Kafka doesn't know are an error.
   */
  async function placementBrokers(a: Admin, expr: string): Promise<number[]> {
    const refs = scheduler.state.brokers.map((b) => ({
      id: b.id,
      task: b.task ? { hostname: b.task.hostname, attributes: b.task.attributes } : null,
    }))
    const order = interleaveByAttributes(expr, refs)
    const registered = new Set((await a.describeCluster()).brokers.map((b) => b.nodeId))
    const unknown = order.filter((id) => !registered.has(id))
    const out = order.filter((id) => registered.has(id))
    if (unknown.length > 0 && expr.trim() !== '*') {
      throw new ApiError(
        400,
        `broker: ${unknown.join(',')} ${unknown.length > 1 ? 'are' : 'is'} not running in Kafka (running: ${[...registered].sort((x, y) => x - y).join(',') || 'none'})`,
        'KM_ERR_BROKER_NOT_RUNNING',
      )
    }
    if (out.length === 0)
      throw new ApiError(400, `broker: "${expr}" names no running broker`, 'KM_ERR_BROKER_NOT_RUNNING')
    return out
  }

  app.on(
    ['GET', 'POST'],
    '/api/topic/list',
    handle(async (c, params) => {
      const a = await admin()
      const { names } = await resolveTopics(a, params.topic || '*', true)
      return c.json({ topics: await describeTopics(a, names) })
    }),
  )

  app.post(
    '/api/topic/add',
    handle(async (c, params) => {
      const p = validate(AddSchema, params)
      const a = await admin()
      const { names, existing } = await resolveTopics(a, p.topic, false)
      if (names.length === 0) throw new ApiError(400, `topic: "${p.topic}" names no topic`)
      const brokers = await placementBrokers(a, p.broker)
      const planned = await addTopics(
        a,
        {
          names,
          brokers,
          partitions: p.partitions,
          replicas: p.replicas,
          fixedStartIndex: p.fixedStartIndex,
          startPartitionId: p.startPartitionId,
          options: p.options,
        },
        existing,
      )
      log.info(
        {
          topics: names,
          brokers,
          partitions: p.partitions,
          replicas: p.replicas,
          assignment: Object.fromEntries(planned),
        },
        'topics created',
      )
      return c.json({ topics: await describeTopics(a, names) })
    }),
  )

  app.post(
    '/api/topic/update',
    handle(async (c, params) => {
      const p = validate(UpdateSchema, params)
      if (p.options === undefined)
        throw new ApiError(400, 'options required: k=v,... (replaces the topic\'s config overrides; "" clears them)')
      const a = await admin()
      const { names, existing } = await resolveTopics(a, p.topic, false)
      await updateTopics(a, names, p.options, existing)
      log.info({ topics: names, options: p.options }, 'topic config overrides replaced')
      return c.json({ topics: await describeTopics(a, names) })
    }),
  )

  app.post(
    '/api/topic/delete',
    handle(async (c, params) => {
      const p = validate(z.object({ topic: topicRequired }), params)
      const a = await admin()
      const { names, existing } = await resolveTopics(a, p.topic, false)
      const before = await describeTopics(
        a,
        names.filter((n) => existing.has(n)),
      )
      await deleteTopics(a, names, existing)
      log.info({ topics: names }, 'topics deleted')
      return c.json({ topics: before })
    }),
  )

  app.on(
    ['GET', 'POST'],
    '/api/topic/rebalance',
    handle(async (c, params) => {
      const p = validate(RebalanceSchema, params)
      const a = await admin()
      if (p.cancel) {
        if (p.topic && p.topic !== 'cancel')
          throw new ApiError(400, 'cancel: cancels every running reassignment; leave out topic (or pass topic=cancel)')
        return c.json(await rebalancer.cancel(a, kafkaAdmin(scheduler).endpoints()))
      }
      if (!p.topic || p.topic === 'status') return c.json(await rebalancer.status(a))
      if (p.realign && p.startPartitionId !== -1)
        throw new ApiError(400, 'startPartitionId is incompatible with realign')
      const { names } = await resolveTopics(a, p.topic, true)
      const brokers = await placementBrokers(a, p.broker)
      const started = await rebalancer.start(a, {
        topics: names,
        brokers,
        replicas: p.replicas,
        fixedStartIndex: p.fixedStartIndex,
        startPartitionId: p.startPartitionId,
        realign: p.realign,
        dryRun: p.dryRun,
        throttleBytesPerSec: p.throttle === undefined ? undefined : p.throttle * 1024 * 1024,
      })
      if (started.status !== 'started' || !p.timeout) return c.json(started)
      const timeout = p.timeout
      if (!wantsNdjson(c)) return c.json(await rebalancer.waitDone(a, timeout))
      return streamNdjson(
        c,
        log,
        (progress) => rebalancer.waitDone(a, timeout, progress),
        (e) => {
          const err = toApiError(e)
          return err instanceof ApiError ? { error: err.message, code: err.code } : undefined
        },
      )
    }),
  )

  app.post(
    '/api/topic/elect-leaders',
    handle(async (c, params) => {
      const p = validate(z.object({ topic: topicRequired }), params)
      const a = await admin()
      const { names, existing } = await resolveTopics(a, p.topic, false)
      const missing = names.filter((n) => !existing.has(n))
      if (missing.length > 0)
        throw new ApiError(400, `topic: topic(s) not found ${missing.join(',')}`, 'KM_ERR_NOT_FOUND')
      if (names.length === 0) throw new ApiError(400, `topic: "${p.topic}" names no topic`)
      const answer = await electPreferredLeaders(a, kafkaAdmin(scheduler).endpoints(), names)
      log.info(
        { topics: names, elected: answer.elected.length, notNeeded: answer.notNeeded.length, failed: answer.failed },
        'preferred leader election',
      )
      return c.json(answer)
    }),
  )

  app.on(
    ['GET', 'POST'],
    '/api/partition/list',
    handle(async (c, params) => {
      if (!params.topic) throw new ApiError(400, 'topic: invalid topic expression: required, such as t, a,b or *')
      const a = await admin()
      const { names } = await resolveTopics(a, params.topic, true)
      return c.json(await partitionList(a, names))
    }),
  )
}
