/** `broker log`: the last lines of a log file, asked of each broker's executor. */

import type { Logger } from 'pino'
import { formatPeriod, type LogReply } from '../../contract/index.js'
import { type AskContext, namedNodes, notAskable, ObserveRefused } from './asking.js'

/** mesos/kafka defaults (`BrokerApi.scala`): 100 lines, 30 s. */
export const DEFAULT_LOG_LINES = 100
export const DEFAULT_LOG_TIMEOUT_MS = 30_000

/** One broker's answer to `broker log` (mesos/kafka's shape, plus `error` on failure). */
export interface LogResult {
  status: 'ok' | 'timeout' | 'failure'
  content: string
  error?: string
}

/** What `broker log` asks: the nodes, the file (`stdout`, `stderr` or a `*.log`), how many lines, how long to wait (ms). */
export interface LogRequest {
  broker: string
  name: string
  lines: number
  timeout: number
}

/**
 * Asks each named node's executor for the last lines of a log (mesos/kafka's
 * `src/scala/main/ly/stealth/mesos/kafka/scheduler/BrokerLogManager.scala`).
 * @returns undefined when the expression names no node (mesos/kafka answers 204); one node's result;
 *   or the results by node id
 * @throws ExprError; ObserveRefused `broker N not found`, a node that is not active or not running yet (KM_ERR_NOT_RUNNING)
 */
export async function brokerLogs(
  ctx: AskContext,
  p: LogRequest,
  log: Logger,
): Promise<LogResult | Record<string, LogResult> | undefined> {
  const nodes = namedNodes(ctx, p.broker)
  if (nodes.length === 0) return undefined
  for (const n of nodes) {
    const why = notAskable(n)
    if (why) throw new ObserveRefused(why, 'KM_ERR_NOT_RUNNING')
  }
  const results = await Promise.all(
    nodes.map(async (n): Promise<LogResult> => {
      try {
        const o = await ctx.ask(n, { type: 'log', name: p.name, lines: p.lines }, p.timeout)
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
  if (nodes.length === 1) return results[0]
  return Object.fromEntries(nodes.map((n, i) => [String(n.id), results[i]]))
}
