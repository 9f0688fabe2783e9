/** The audit log's API side: recording every mutating call, and `/api/log/ops`. */

/**
 * The audit log's API side: a middleware that records every mutating call (every POST under
 * `/api/` except reads: `.../list`, rebalance status, `log/ops`) in the {@link OpsLog}, and
 * `GET|POST /api/log/ops?limit=N` (default 100, at most 10000) → `{"ops":[OpsEntry...]}`, oldest first.
 *
 * Register it before any route (Hono runs middleware in registration order).
 */

import { getConnInfo } from '@hono/node-server/conninfo'
import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { principalOf } from '../../core-cluster/auth/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { type OpsLog, redact } from '../storage/index.js'
import { ApiError, readParams } from './params.js'

/** Calls that change nothing and are not logged. */
function isRead(op: string, params: Record<string, string>): boolean {
  if (
    op.endsWith('/list') ||
    op.startsWith('log/') ||
    op === 'status' ||
    op === 'broker/log' ||
    op === 'broker/metrics' ||
    op === 'group/describe'
  )
    return true
  if (op === 'group/reset-offsets' && params.dryRun !== undefined && !['false', '0'].includes(params.dryRun))
    return true
  if (op === 'topic/rebalance' && (!params.topic || params.topic === 'status') && !params.cancel) return true
  return false
}

/** Adds the recording middleware and the `/api/log/ops` route (see the module comment). */
export function registerOpsLog(app: Hono, scheduler: KafkaScheduler, log: Logger): void {
  let ops: OpsLog | undefined
  const opsLog = () => (ops ??= scheduler.options.storage.opsLog())

  app.use('/api/*', async (c, next) => {
    const op = c.req.path.replace(/^\/api\//, '')
    if (c.req.method !== 'POST') return next()
    let params: Record<string, string>
    try {
      params = await readParams(c)
    } catch {
      return next() // the handler answers the bad body; nothing was changed
    }
    if (isRead(op, params)) return next()
    const started = Date.now()
    let address: string | null = null
    try {
      address = getConnInfo(c).remote.address ?? null
    } catch {
      address = null
    }
    await next()
    const status = c.res.status
    let error: string | undefined
    if (status >= 400) {
      try {
        error = ((await c.res.clone().json()) as { error?: string }).error
      } catch {
        error = undefined
      }
    }
    const entry = {
      time: new Date(started).toISOString(),
      // the authenticated principal; a client's own claim (a header) is not trusted
      who: { user: principalOf(c)?.name ?? null, address },
      op,
      params: redact(params),
      status,
      result: status < 400 ? ('ok' as const) : ('error' as const),
      ...(error !== undefined ? { error } : {}),
      ms: Date.now() - started,
    }
    await opsLog()
      .append(entry)
      .catch((e: Error) => log.error({ err: e.message, entry }, 'could not append to the operations audit log'))
  })

  app.on(['GET', 'POST'], '/api/log/ops', async (c) => {
    const params = await readParams(c)
    const limit = params.limit === undefined ? 100 : Number(params.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
      throw new ApiError(400, `limit: expected a whole number from 1 to 10000 such as 50, got "${params.limit}"`)
    return c.json({ ops: await opsLog().read(limit) })
  })
}
