/** `broker metrics`: each node's metrics, asked of its executor, filtered by full-match regexes. */

import { formatPeriod, type MetricsReply } from '../../contract/index.js'
import { type AskContext, namedNodes, notAskable, ObserveRefused } from './asking.js'

/** How long `broker metrics` waits for each executor by default (ms). */
export const DEFAULT_METRICS_TIMEOUT_MS = 10_000

/**
 * Metric filters: one regex per line; a metric is kept when one of them matches its whole name
 * (mesos/kafka's full-match rule). @throws ObserveRefused 400 naming the bad regex
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
      throw new ObserveRefused(
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

/** What `broker metrics` asks: the nodes, the filters (one regex per line), also the controllers, how long to wait (ms). */
export interface MetricsRequest {
  broker: string
  filter?: string
  controllers: boolean
  timeout: number
}

/**
 * Asks each named node's executor for its metrics (and every controller's with `controllers`).
 * @returns metrics by node id, and by node id why a node gave none
 * @throws ExprError; ObserveRefused for a bad filter or `broker N not found`
 */
export async function brokerMetrics(
  ctx: AskContext,
  p: MetricsRequest,
): Promise<{ metrics: Record<string, Record<string, number>>; errors: Record<string, string> }> {
  const filters = parseFilters(p.filter)
  const nodes = namedNodes(ctx, p.broker)
  if (p.controllers) for (const ctl of ctx.state.controllers) if (!nodes.includes(ctl)) nodes.push(ctl)
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
        const o = await ctx.ask(n, { type: 'metrics' }, p.timeout)
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
  return {
    metrics: Object.fromEntries(order.filter((id) => metrics[id]).map((id) => [id, metrics[id]])),
    errors: Object.fromEntries(order.filter((id) => errors[id]).map((id) => [id, errors[id]])),
  }
}
