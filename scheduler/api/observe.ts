import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import type { LogReply, MetricsReply } from '../../contract/index.js'
import { formatPeriod, type KafkaNode, parsePeriod } from '../../contract/index.js'
import { ExprError, expandIds } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { ApiError, number, readParams, validate, via } from './params.js'

/**
 * `broker log` and `broker metrics` (mesos/kafka §1.3, §2.2, §8.7): the scheduler asks each broker's
 * executor through a framework message and waits for its reply (contract/executor-messages.ts).
 *
 * Metrics travel the same way, not by the scheduler calling the broker's metrics agent over HTTP:
 * the Jolokia agent then listens on the broker host's loopback only (no JMX on the network, no port
 * taken from the offer), and metrics need nothing the scheduler can't already reach (the master).
 */

/** mesos/kafka defaults: 100 lines, 30 s (§10). */
export const DEFAULT_LOG_LINES = 100
export const DEFAULT_LOG_TIMEOUT_MS = 30_000
/** How long `broker metrics` waits for each executor by default. */
export const DEFAULT_METRICS_TIMEOUT_MS = 10_000

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

/**
 * Metric filters: one regex per line; a metric is kept when one of them matches its whole name
 * (mesos/kafka's full-match rule). @throws ApiError 400 naming the bad regex
 */
export function parseFilters(text: string | undefined): RegExp[] {
  const lines = (text ?? '')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  return lines.map((src) => {
    try {
      return new RegExp(`^(?:${src})$`)
    } catch (e) {
      throw new ApiError(
        400,
        `filter: invalid regular expression "${src}": ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
      )
    }
  })
}

/** Keeps `timestamp` and the metrics whose name one filter fully matches (all of them with no filter). */
export function filterMetrics(metrics: Record<string, number>, filters: readonly RegExp[]): Record<string, number> {
  if (filters.length === 0) return metrics
  const out: Record<string, number> = {}
  for (const [k, v] of Object.entries(metrics)) if (k === 'timestamp' || filters.some((f) => f.test(k))) out[k] = v
  return out
}

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

/** One broker's answer to `broker log` (mesos/kafka's shape, plus `error` on failure). */
export interface LogResult {
  status: 'ok' | 'timeout' | 'failure'
  content: string
  error?: string
}

/** The nodes an id expression names: brokers by id (`*` = every broker), and controllers by their own ids. @throws ApiError 400 */
function nodesOf(expr: string, scheduler: KafkaScheduler): { nodes: KafkaNode[]; missing: number[] } {
  let ids: number[]
  try {
    ids = expandIds(
      expr,
      scheduler.state.brokers.map((b) => ({
        id: b.id,
        task: b.task ? { hostname: b.task.hostname, attributes: b.task.attributes } : null,
      })),
    )
  } catch (e) {
    if (e instanceof ExprError) throw new ApiError(400, `broker: ${e.message}`, e.code)
    throw e
  }
  const all = scheduler.nodes()
  const nodes: KafkaNode[] = []
  const missing: number[] = []
  for (const id of ids) {
    const n = all.find((x) => x.id === id)
    if (n) nodes.push(n)
    else missing.push(id)
  }
  return { nodes, missing }
}

/** Why a node's executor can't be asked now, or undefined when it can (a task past `pending`). */
function notAskable(n: KafkaNode): string | undefined {
  if (!n.task)
    return n.active ? `${n.role} ${n.id} is not running (it has no task yet)` : `${n.role} ${n.id} is not active`
  if (n.task.state === 'pending') return `${n.role} ${n.id} is not running yet (its task is pending)`
  return undefined
}

/** Registers `/api/broker/log` and `/api/broker/metrics` (GET or POST). */
export function registerObserveRoutes(app: Hono, scheduler: KafkaScheduler, log: Logger): void {
  app.on(['GET', 'POST'], '/api/broker/log', async (c) => {
    const p = validate(LogParamsSchema, await readParams(c))
    const { nodes, missing } = nodesOf(p.broker, scheduler)
    if (missing.length > 0) throw new ApiError(400, `broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
    if (nodes.length === 0) return c.body(null, 204) // mesos/kafka: 204 when no broker matched
    for (const n of nodes) {
      const why = notAskable(n)
      if (why) throw new ApiError(400, why, 'KM_ERR_NOT_RUNNING')
    }
    const results = await Promise.all(
      nodes.map(async (n): Promise<LogResult> => {
        try {
          const o = await scheduler.ask(n, { type: 'log', name: p.name, lines: p.lines }, p.timeout)
          if (o.status === 'timeout')
            return {
              status: 'timeout',
              content: '',
              error: `${n.role} ${n.id} log retrieve timeout (${formatPeriod(p.timeout)})`,
            }
          const r = o.reply as LogReply
          return r.error !== undefined
            ? { status: 'failure', content: '', error: `${n.role} ${n.id}: ${r.error}` }
            : { status: 'ok', content: r.content ?? '' }
        } catch (e) {
          return { status: 'failure', content: '', error: `${n.role} ${n.id} failed: ${(e as Error).message}` }
        }
      }),
    )
    log.info(
      { brokers: nodes.map((n) => n.id), name: p.name, lines: p.lines, status: results.map((r) => r.status) },
      'broker log',
    )
    if (nodes.length === 1) return c.json(results[0])
    return c.json(Object.fromEntries(nodes.map((n, i) => [String(n.id), results[i]])))
  })

  app.on(['GET', 'POST'], '/api/broker/metrics', async (c) => {
    const p = validate(MetricsParamsSchema, await readParams(c))
    const filters = parseFilters(p.filter)
    const { nodes, missing } = nodesOf(p.broker, scheduler)
    if (missing.length > 0) throw new ApiError(400, `broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
    if (p.controllers) for (const ctl of scheduler.state.controllers) if (!nodes.includes(ctl)) nodes.push(ctl)
    const metrics: Record<string, Record<string, number>> = {}
    const errors: Record<string, string> = {}
    await Promise.all(
      nodes.map(async (n) => {
        const why = notAskable(n)
        if (why) {
          errors[n.id] = why
          return
        }
        try {
          const o = await scheduler.ask(n, { type: 'metrics' }, p.timeout)
          if (o.status === 'timeout')
            errors[n.id] = `${n.role} ${n.id} metrics retrieve timeout (${formatPeriod(p.timeout)})`
          else {
            const r = o.reply as MetricsReply
            if (r.error !== undefined || !r.metrics) errors[n.id] = `${n.role} ${n.id}: ${r.error ?? 'no metrics'}`
            else metrics[n.id] = filterMetrics(r.metrics, filters)
          }
        } catch (e) {
          errors[n.id] = `${n.role} ${n.id} failed: ${(e as Error).message}`
        }
      }),
    )
    const order = nodes.map((n) => String(n.id))
    return c.json({
      metrics: Object.fromEntries(order.filter((id) => metrics[id]).map((id) => [id, metrics[id]])),
      errors: Object.fromEntries(order.filter((id) => errors[id]).map((id) => [id, errors[id]])),
    })
  })
}
