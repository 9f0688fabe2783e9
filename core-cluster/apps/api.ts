/** The meta-framework's REST API, a subset of Marathon's `/v2`: apps, their tasks, info and ping; and starting the meta-framework. */
import type { Server } from 'node:http'
import { type Context, Hono } from 'hono'
import type { Logger } from 'pino'
import type { z } from 'zod'
import { KmError } from '../../errors/index.js'
import { DEFAULT_MAX_BODY_BYTES, limitBody, listen } from '../http/index.js'
import { tooDeep, tooDeepMessage } from '../proto/index.js'
import { type App, AppSchema } from './app.js'
import { AppsFramework, type AppsOptions } from './framework.js'
import { HealthChecker } from './health.js'
import type { AppTask } from './task.js'

/** Marathon's task JSON (`GET /v2/apps/{id}/tasks`). */
export function taskJson(t: AppTask) {
  return {
    id: t.id,
    appId: t.appId,
    host: t.host,
    ports: t.ports,
    slaveId: t.agentId,
    state: t.state,
    stagedAt: new Date(t.stagedAt).toISOString(),
    startedAt: t.startedAt ? new Date(t.startedAt).toISOString() : undefined,
    healthCheckResults: t.health ?? [],
  }
}

function appJson(framework: AppsFramework, app: App) {
  return { ...app, ...framework.counts(app.id) }
}

/** Marathon's validation answer: 422 with `{message, details: [{path, errors}]}`. */
function invalid(c: Context, error: z.ZodError) {
  return c.json(
    {
      message: 'Object is not valid',
      details: error.issues.map((i) => ({ path: `/${i.path.join('/')}`, errors: [i.message] })),
    },
    422,
  )
}

async function body(c: Context): Promise<unknown> {
  const text = await c.req.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new BadJson(`Invalid JSON: ${(e as Error).message}`)
  }
  const deep = tooDeep(json)
  if (deep) throw new BadJson(tooDeepMessage(deep))
  return json
}

/** A request body that is not JSON: answered 400 `{message}` as Marathon answers it. Code `KM_ERR_INVALID_PARAM`. */
class BadJson extends KmError {
  constructor(message: string) {
    super('KM_ERR_INVALID_PARAM', message)
  }
}

/**
 * The meta-framework's REST API, a subset of Marathon's `/v2`: apps (create, list, get, update or
 * scale, delete, restart), their tasks (list, kill), `/v2/info`, `/ping`.
 */
export function createAppsApi(framework: AppsFramework, log: Logger): Hono {
  const api = new Hono()
  api.use(
    '*',
    limitBody(DEFAULT_MAX_BODY_BYTES, (message) => Response.json({ message }, { status: 413 })),
  )
  api.onError((e, c) => {
    if (e instanceof BadJson) return c.json({ message: e.message }, 400)
    log.error({ err: e }, 'unexpected API error')
    return c.json({ message: `internal error: ${e.message}` }, 500)
  })
  api.get('/ping', (c) => c.text('pong'))
  api.get('/v2/info', (c) => c.json({ name: 'kafka-mesos-apps', version: '0.1.0', frameworkId: undefined }))
  api.get('/v2/apps', (c) => c.json({ apps: [...framework.apps.values()].map((a) => appJson(framework, a)) }))
  api.post('/v2/apps', async (c) => {
    const parsed = AppSchema.safeParse(await body(c))
    if (!parsed.success) return invalid(c, parsed.error)
    if (!(await framework.addApp(parsed.data)))
      return c.json({ message: `An app with id [${parsed.data.id}] already exists.` }, 409)
    return c.json(appJson(framework, parsed.data), 201)
  })
  // App ids contain slashes: route by suffix.
  api.all('/v2/apps/*', async (c) => {
    const rest = c.req.path.slice('/v2/apps'.length)
    let m: RegExpExecArray | null
    if ((m = /^(.+)\/tasks\/([^/]+)$/.exec(rest)) && c.req.method === 'DELETE') {
      const t = await framework.killTask(m[2], c.req.query('scale') === 'true')
      return t ? c.json({ task: taskJson(t) }) : c.json({ message: `Task '${m[2]}' does not exist` }, 404)
    }
    if ((m = /^(.+)\/tasks$/.exec(rest)) && c.req.method === 'GET') {
      if (!framework.apps.has(m[1])) return c.json({ message: `App '${m[1]}' does not exist` }, 404)
      return c.json({ tasks: framework.appTasks(m[1]).map(taskJson) })
    }
    if ((m = /^(.+)\/restart$/.exec(rest)) && c.req.method === 'POST') {
      return (await framework.restartApp(m[1]))
        ? c.json({ deploymentId: crypto.randomUUID(), version: new Date().toISOString() })
        : c.json({ message: `App '${m[1]}' does not exist` }, 404)
    }
    const id = rest
    const existing = framework.apps.get(id)
    if (c.req.method === 'GET')
      return existing
        ? c.json({ app: appJson(framework, existing) })
        : c.json({ message: `App '${id}' does not exist` }, 404)
    if (c.req.method === 'DELETE')
      return (await framework.removeApp(id))
        ? c.json({ deploymentId: crypto.randomUUID(), version: new Date().toISOString() })
        : c.json({ message: `App '${id}' does not exist` }, 404)
    if (c.req.method === 'PUT' || c.req.method === 'PATCH') {
      const input = (await body(c)) as Record<string, unknown>
      const merged = { ...(existing ?? {}), ...input, id }
      const parsed = AppSchema.safeParse(merged)
      if (!parsed.success) return invalid(c, parsed.error)
      if (existing) await framework.updateApp(parsed.data)
      else await framework.addApp(parsed.data)
      return c.json({ deploymentId: crypto.randomUUID(), version: new Date().toISOString() }, existing ? 200 : 201)
    }
    return c.json({ message: `${c.req.method} is not supported on ${c.req.path}` }, 405)
  })
  return api
}

/** A running meta-framework: its framework, health checker and HTTP server. */
export interface RunningApps {
  framework: AppsFramework
  server: Server
  /** `http://host:port` of the `/v2` API */
  url: string
  close(): Promise<void>
}

/**
 * Starts the meta-framework: loads its state, subscribes to the master, serves `/v2` on host:port
 * (0 = any free port).
 * @throws AppsStateError for an unusable state file; an Error when the port is taken
 */
export async function startApps(opts: AppsOptions & { host: string; port: number }): Promise<RunningApps> {
  const framework = new AppsFramework(opts)
  await framework.start()
  const health = new HealthChecker(framework, opts.logger)
  health.start()
  const api = createAppsApi(framework, opts.logger)
  const { server, port } = await listen((req, env) => api.fetch(req, env), opts.host, opts.port)
  const url = `http://${opts.host}:${port}`
  opts.logger.info({ url, master: opts.master }, 'apps started')
  return {
    framework,
    server,
    url,
    close: async () => {
      health.stop()
      framework.stop()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
