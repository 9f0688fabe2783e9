/** The scheduler's REST API: one hono app wiring every route group, and the one way errors are answered. */

import { Hono } from 'hono'
import type { Logger } from 'pino'
import { authMiddleware, routeRequirement } from '../../core-cluster/auth/index.js'
import { DEFAULT_MAX_BODY_BYTES, limitBody } from '../../core-cluster/http/index.js'
import { type ErrorCode, KmError } from '../../errors/index.js'
import { schedulerStatus } from '../fleet/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { registerBrokerRoutes } from './brokers.js'
import { registerCloneRoutes } from './clone.js'
import { controllerRoutes } from './controllers.js'
import { registerFileRoutes } from './files.js'
import { registerGroupRoutes } from './groups.js'
import { registerObserveRoutes } from './observe.js'
import { registerOpsLog } from './ops-log.js'
import { registerQuotaRoutes } from './quotas.js'
import { registerRestartRoutes } from './restart.js'
import { schedulerRouteRoles } from './route-roles.js'
import { registerTopicRoutes } from './topics.js'

/**
 * The scheduler's REST API, mesos/kafka's (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/HttpServer.scala`
 * and its `http/api/*Api.scala`): `/api/broker/*`, `/api/topic/*`, `/api/partition/list`,
 * `/api/group/*`, `/api/quota/*`, `/api/controller/*`, `/api/log/ops`, `/api/status`, taking form-urlencoded or JSON
 * bodies. Every route parses its params, calls one domain function and answers; errors are the
 * KmError's status with `{"error": "...", "code": "..."}` (errors/codes.ts). Also serves the executor
 * bundle and the Kafka archive to agents, and `/health`.
 *
 * With `scheduler.options.authenticator` (`--auth-file`) every request is authenticated first
 * (HTTP Basic or Bearer; 401 with `WWW-Authenticate`) and its route's role checked (403 naming the
 * role needed; the table: ./route-roles.ts); downloads also take the task URI's path token.
 */
export function createApi(scheduler: KafkaScheduler, log: Logger) {
  const app = new Hono()
  app.use(
    '*',
    limitBody(scheduler.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, (error) =>
      Response.json({ error, code: 'KM_ERR_BODY_TOO_LARGE' satisfies ErrorCode }, { status: 413 }),
    ),
  )
  // before the audit log and every route: a refused call reaches neither
  app.use(
    '*',
    authMiddleware({
      authenticator: scheduler.options.authenticator,
      realm: 'kafka-mesos',
      requirement: routeRequirement(schedulerRouteRoles(scheduler.options.pathTokens)),
      log,
    }),
  )
  registerOpsLog(app, scheduler, log) // before every route: it records the mutating calls

  app.onError((e, c) => {
    // bad input (ApiError) and every domain refusal: its message, stable code and status
    if (e instanceof KmError) return c.json(e.toJSON(), e.status)
    log.error({ err: e }, 'unexpected API error')
    return c.json({ error: `internal error: ${e.message}`, code: 'KM_ERR_INTERNAL' satisfies ErrorCode }, 500)
  })
  app.notFound((c) =>
    c.json(
      { error: `no such endpoint: ${c.req.method} ${c.req.path}`, code: 'KM_ERR_NOT_FOUND' satisfies ErrorCode },
      404,
    ),
  )

  registerBrokerRoutes(app, scheduler, log)
  registerFileRoutes(app, scheduler.options)
  registerTopicRoutes(app, scheduler, log)
  registerGroupRoutes(app, scheduler)
  registerRestartRoutes(app, scheduler, log)
  registerCloneRoutes(app, scheduler, log)
  registerObserveRoutes(app, scheduler, log)
  registerQuotaRoutes(app, scheduler, log)
  app.on(['GET', 'POST'], '/health', (c) => c.text('ok'))
  app.get('/api/status', (c) => c.json(schedulerStatus(scheduler)))
  controllerRoutes(app, scheduler, log)
  return app
}
