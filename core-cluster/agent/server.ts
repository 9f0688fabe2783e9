/** The agent's HTTP face: the v1 executor API endpoint, the operator calls it answers, statistics and state; and starting an agent. */
import type { Server } from 'node:http'
import type { HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { Hono } from 'hono'
import type { Logger } from 'pino'
import { authMiddleware, type ExecutorClaims, routeRequirement } from '../auth/index.js'
import { DEFAULT_MAX_BODY_BYTES, EventStream, limitBody, listen } from '../http/index.js'
import {
  acceptedContentType,
  CodecError,
  decode,
  type executor,
  requestContentType,
  tooDeep,
  tooDeepMessage,
} from '../proto/index.js'
import { Agent, type AgentOptions } from './agent.js'
import { EXECUTOR_REALM } from './executor-auth.js'
import { AGENT_ROUTE_ROLES } from './route-roles.js'

type Env = { Bindings: HttpBindings }

/**
 * The agent's HTTP face: `POST /api/v1/executor` (Mesos v1 executor API), `POST /api/v1` (agent
 * operator API, JSON: GET_HEALTH, GET_CONTAINERS), `GET /monitor/statistics` (per-executor usage as
 * Mesos), `GET /state`, `GET /health`.
 *
 * Executor calls need the executor's own token when the agent authenticates executors (401 without
 * a valid one, 403 for another executor's; ./executor-auth.ts). With `agent.options.authenticator`
 * (`--auth-file`) every other route but `/health` needs the role of ./route-roles.ts (401, 403).
 */
export function createAgentApp(agent: Agent, log: Logger, maxBodyBytes = DEFAULT_MAX_BODY_BYTES): Hono<Env> {
  const app = new Hono<Env>()
  app.use(
    '/api/*',
    limitBody(maxBodyBytes, (message) => new Response(message, { status: 413 })),
  )
  // then: who is calling, and may they (the executor API checks its own tokens, below)
  app.use(
    '*',
    authMiddleware({
      authenticator: agent.authenticator,
      realm: 'mesos-agent',
      requirement: routeRequirement(AGENT_ROUTE_ROLES),
      log,
    }),
  )
  app.all('/api/v1/executor', async (c) => {
    if (c.req.method !== 'POST') return c.text(`Expecting a 'POST' request, received '${c.req.method}'`, 405)
    // with executor authentication: a token this agent signed, before the body is read
    let claims: ExecutorClaims | undefined
    if (agent.executorAuth) {
      const a = agent.executorAuth.authenticate(c.req.header('authorization'))
      if ('status' in a) {
        log.warn({ why: a.error }, 'executor call refused: not authenticated')
        c.header('WWW-Authenticate', `Bearer realm="${EXECUTOR_REALM}"`)
        return c.json({ error: a.error, code: a.code }, a.status)
      }
      claims = a
    }
    const header = c.req.header('content-type')
    if (!header) return c.text("Expecting 'Content-Type' to be present", 400)
    const contentType = requestContentType(header)
    if (!contentType)
      return c.text(`Expecting 'Content-Type' of application/json or application/x-protobuf, got '${header}'`, 415)
    let call: executor.Call
    try {
      call = decode<executor.Call>('mesos.v1.executor.Call', new Uint8Array(await c.req.arrayBuffer()), contentType)
    } catch (e) {
      if (e instanceof CodecError) return c.text(e.message, 400)
      throw e
    }
    if (claims) {
      const frameworkId = call.framework_id?.value ?? ''
      const executorId = call.executor_id?.value ?? ''
      const refusal = agent.executorAuth!.authorize(claims, {
        frameworkId,
        executorId,
        containerId: agent.executorContainer(frameworkId, executorId),
      })
      if (refusal) {
        log.warn(
          { call: call.type, framework: frameworkId, executor: executorId, why: refusal.error },
          'executor call refused',
        )
        return c.json({ error: refusal.error, code: refusal.code }, refusal.status)
      }
    }
    switch (call.type) {
      case 'SUBSCRIBE': {
        const streamType = acceptedContentType(c.req.header('accept'))
        if (!streamType) return c.text("Expecting 'Accept' to allow application/json", 406)
        if (streamType !== 'application/json')
          return c.text('This agent streams executor events as application/json only', 406)
        const stream = new EventStream(c.env.outgoing, streamType)
        const problem = agent.subscribeExecutor(call, stream)
        if (problem) {
          stream.close()
          log.warn({ problem }, 'executor SUBSCRIBE refused')
        }
        return RESPONSE_ALREADY_SENT
      }
      case 'UPDATE': {
        const problem = agent.executorUpdate(call)
        return problem ? c.text(problem, 400) : c.body(null, 202)
      }
      case 'MESSAGE': {
        const problem = agent.executorMessage(call)
        return problem ? c.text(problem, 400) : c.body(null, 202)
      }
      case 'HEARTBEAT':
        return c.body(null, 202)
      default:
        return c.text(
          `Received an unknown call type '${call.type ?? 'UNKNOWN'}'; expected SUBSCRIBE, UPDATE, MESSAGE or HEARTBEAT`,
          400,
        )
    }
  })
  app.get('/monitor/statistics', (c) => c.json(agent.statistics()))
  app.get('/monitor/statistics.json', (c) => c.json(agent.statistics()))
  // Agent v1 operator API (Mesos mesos.v1.agent.Call), JSON, the calls this agent answers.
  app.all('/api/v1', async (c) => {
    if (c.req.method !== 'POST') {
      c.header('Allow', 'POST')
      return c.text(`Expecting a 'POST' request, received '${c.req.method}'`, 405)
    }
    let call: { type?: unknown }
    try {
      call = JSON.parse(await c.req.text()) as { type?: unknown }
    } catch (e) {
      return c.text(`Failed to parse JSON: ${(e as Error).message}`, 400)
    }
    if (!call || typeof call !== 'object' || Array.isArray(call))
      return c.text('Failed to validate agent::Call: expected a JSON object', 400)
    const deep = tooDeep(call)
    if (deep) return c.text(`Failed to validate agent::Call: ${tooDeepMessage(deep)}`, 400)
    if (typeof call.type !== 'string')
      return c.text(
        `Failed to validate agent::Call: 'type' must be a call type name such as "GET_HEALTH", got ${call.type === undefined ? 'nothing' : typeof call.type === 'object' ? 'an object' : typeof call.type}`,
        400,
      )
    switch (call.type) {
      case 'GET_HEALTH':
        return c.json({ type: 'GET_HEALTH', get_health: { healthy: true } })
      case 'GET_CONTAINERS':
        return c.json({
          type: 'GET_CONTAINERS',
          get_containers: {
            containers: agent.statistics().map((s) => ({
              framework_id: { value: s.framework_id },
              executor_id: { value: s.executor_id },
              executor_name: s.executor_name,
              container_id: { value: s.container_id },
              resource_statistics: s.statistics,
            })),
          },
        })
      default:
        return c.text(
          `Failed to validate agent::Call: call type '${call.type}' is not supported by this agent (supported: GET_HEALTH, GET_CONTAINERS)`,
          400,
        )
    }
  })
  app.get('/state', (c) => c.json(agent.state()))
  app.get('/slave(1)/state', (c) => c.json(agent.state()))
  app.get('/health', (c) => c.text('ok'))
  return app
}

export interface RunningAgent {
  agent: Agent
  server: Server
  address: string
  close(): Promise<void>
}

/**
 * Starts an agent: binds `host:port` (0 = free port), then registers with the master.
 * @throws when the address cannot be bound
 */
export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  let app: Hono<Env> | undefined
  const { server, port } = await listen(
    (req, env) => (app ? app.fetch(req, env) : new Response('agent is starting', { status: 503 })),
    opts.host,
    opts.port,
  )
  const agent = new Agent({ ...opts, port })
  app = createAgentApp(agent, opts.logger)
  agent.start()
  opts.logger.info({ address: `${opts.host}:${port}`, master: opts.master }, 'agent started')
  return {
    agent,
    server,
    address: `${opts.host}:${port}`,
    close: async () => {
      await agent.stop()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
