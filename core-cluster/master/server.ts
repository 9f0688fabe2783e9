/** The master's HTTP face: the v1 scheduler and operator APIs, the agent link, state, metrics, and HA redirects. */

import type { Server } from 'node:http'
import type { HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { type Context, Hono } from 'hono'
import type { Logger } from 'pino'
import {
  DEFAULT_MAX_AGENT_LINK_BYTES,
  DEFAULT_MAX_BODY_BYTES,
  EventStream,
  limitBody,
  listen,
  type RequestTimeouts,
} from '../http/index.js'
import {
  AGENT_STREAM_HEADER,
  acceptedContentType,
  type agent as agentMsg,
  CodecError,
  type ContentType,
  decode,
  requestContentType,
  type scheduler,
  tooDeep,
  tooDeepMessage,
} from '../proto/index.js'
import { MasterElection, MasterRegistry } from './election.js'
import { CallError } from './errors.js'
import { Master } from './master.js'
import { MasterMetrics } from './metrics.js'
import { operatorCall } from './operator.js'

type Env = { Bindings: HttpBindings }

/** Paths only the leading master serves; the others redirect them (`docs/scheduler-http-api.md`, `docs/high-availability.md`). */
const LEADER_ONLY = new Set(['/api/v1/scheduler', '/api/v1', '/internal/agent'])

/** Reads and decodes a v1 call body, mapping problems to Mesos's status codes (`src/master/http.cpp` `Master::Http::scheduler`). */
async function readCall<T>(
  c: Context<Env>,
  name: 'mesos.v1.scheduler.Call' | 'kafka_mesos.agent.Call',
): Promise<{ call: T; contentType: ContentType }> {
  const header = c.req.header('content-type')
  if (!header) throw new CallError(400, "Expecting 'Content-Type' to be present")
  const contentType = requestContentType(header)
  if (!contentType)
    throw new CallError(415, `Expecting 'Content-Type' of application/json or application/x-protobuf, got '${header}'`)
  const body = new Uint8Array(await c.req.arrayBuffer())
  try {
    return { call: decode<T>(name, body, contentType), contentType }
  } catch (e) {
    if (e instanceof CodecError) throw new CallError(400, e.message)
    throw e
  }
}

function answer(c: Context<Env>, e: unknown, log: Logger): Response {
  if (e instanceof CallError) return c.text(e.message, e.status)
  log.error({ err: e }, 'unexpected error while handling a call')
  return c.text('Internal error', 500)
}

/** The limits on requests to the master (issue 14). */
export interface MasterRequestLimits {
  /** largest body of the scheduler and operator APIs, bytes (default 1 MiB); larger is 413 */
  maxBodyBytes?: number
  /** largest body on the agent link, bytes (default 16 MiB: a REGISTER lists every task of the agent) */
  maxAgentLinkBytes?: number
  /** header and body timeouts (default 10 s and 30 s) */
  timeouts?: RequestTimeouts
}

/**
 * The master's HTTP face: `POST /api/v1/scheduler` (Mesos v1 scheduler API), `POST /api/v1`
 * (v1 operator API, JSON; SUBSCRIBE streams agent events), `POST /internal/agent` (our agent link), `GET /state`, `GET /metrics`
 * (Prometheus), `GET /health`. Bodies above the limits are answered 413 before they are read.
 */
export function createMasterApp(master: Master, log: Logger, limits: MasterRequestLimits = {}): Hono<Env> {
  const app = new Hono<Env>()
  const tooLarge = (message: string) => new Response(message, { status: 413 })
  app.use('/internal/agent', limitBody(limits.maxAgentLinkBytes ?? DEFAULT_MAX_AGENT_LINK_BYTES, tooLarge))
  app.use('/api/*', limitBody(limits.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, tooLarge))
  const metrics = new MasterMetrics(master)
  /** the call type of each scheduler request, once decoded (for the calls metric) */
  const callTypes = new WeakMap<Request, string>()
  app.use('/api/v1/scheduler', async (c, next) => {
    await next()
    metrics.call(callTypes.get(c.req.raw) ?? 'UNPARSED', c.res.status)
  })
  app.get('/metrics', async (c) =>
    c.body(await metrics.registry.metrics(), 200, { 'Content-Type': metrics.registry.contentType }),
  )
  app.all('/api/v1/scheduler', async (c) => {
    if (c.req.method !== 'POST') {
      c.header('Allow', 'POST')
      return c.text(`Expecting a 'POST' request, received '${c.req.method}'`, 405)
    }
    try {
      const { call } = await readCall<scheduler.Call>(c, 'mesos.v1.scheduler.Call')
      callTypes.set(c.req.raw, typeof call.type === 'string' ? call.type : 'UNSET')
      if (call.type === 'SUBSCRIBE') {
        if (!call.subscribe)
          throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'subscribe' to be present")
        if (c.req.header('mesos-stream-id'))
          throw new CallError(400, "Subscribe calls should not include the 'Mesos-Stream-Id' header")
        if (call.framework_id && call.framework_id.value !== call.subscribe.framework_info.id?.value) {
          throw new CallError(
            400,
            "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'",
          )
        }
        const streamType = acceptedContentType(c.req.header('accept'))
        if (!streamType)
          throw new CallError(406, "Expecting 'Accept' to allow application/json or application/x-protobuf")
        const res = c.env.outgoing
        const streamId = crypto.randomUUID()
        const sink = new EventStream(res, streamType, { 'Mesos-Stream-Id': streamId })
        try {
          master.subscribe(call, sink, streamType, streamId)
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e)
          sink.send(Buffer.from(JSON.stringify({ type: 'ERROR', error: { message } })))
          sink.close()
        }
        return RESPONSE_ALREADY_SENT
      }
      // An enum value this master does not know (protobuf) is an unset type, as in Mesos's proto2 parsing.
      if (!call.type || typeof call.type !== 'string')
        throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'type' to be present")
      // Mesos answers 501 here; issue 4 wants no 5xx for a bad request, so: 400 with the reason.
      if (call.type === 'UNKNOWN')
        throw new CallError(
          400,
          "Failed to validate scheduler::Call: received a call of type 'UNKNOWN'; set 'type' to a call such as SUBSCRIBE or ACCEPT",
        )
      const fw = master.authorize(call, c.req.header('mesos-stream-id'))
      master.handleCall(fw, call)
      // UPDATE_FRAMEWORK is synchronous (200); every other call is accepted asynchronously (202).
      return c.body(null, call.type === 'UPDATE_FRAMEWORK' ? 200 : 202)
    } catch (e) {
      return answer(c, e, log)
    }
  })

  app.post('/internal/agent', async (c) => {
    try {
      const { call, contentType } = await readCall<agentMsg.Call>(c, 'kafka_mesos.agent.Call')
      if (call.type === 'REGISTER') {
        if (!call.register) throw new CallError(400, "Expecting 'register' to be present")
        master.checkAgentMayRegister(call)
        // Every later call of this agent must carry the link's stream id, as Mesos-Stream-Id ties a
        // framework's calls to its subscription (`docs/scheduler-http-api.md`).
        const streamId = crypto.randomUUID()
        const sink = new EventStream(c.env.outgoing, contentType, { [AGENT_STREAM_HEADER]: streamId })
        master.registerAgent(call, sink, contentType, streamId)
        return RESPONSE_ALREADY_SENT
      }
      master.handleAgentCall(call, c.req.header(AGENT_STREAM_HEADER))
      return c.body(null, 202)
    } catch (e) {
      return answer(c, e, log)
    }
  })

  // v1 operator API (JSON): GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_ROLES, GET_WEIGHTS, UPDATE_WEIGHTS...
  app.all('/api/v1', async (c) => {
    if (c.req.method !== 'POST') {
      c.header('Allow', 'POST')
      return c.text(`Expecting a 'POST' request, received '${c.req.method}'`, 405)
    }
    try {
      const header = c.req.header('content-type')
      if (!header) throw new CallError(400, "Expecting 'Content-Type' to be present")
      const contentType = requestContentType(header)
      if (!contentType)
        throw new CallError(
          415,
          `Expecting 'Content-Type' of application/json or application/x-protobuf, got '${header}'`,
        )
      if (contentType !== 'application/json')
        throw new CallError(415, "This master's operator API speaks 'application/json' only")
      if (acceptedContentType(c.req.header('accept')) !== 'application/json')
        throw new CallError(406, "Expecting 'Accept' to allow 'application/json'")
      const text = await c.req.text()
      let call: unknown
      try {
        call = JSON.parse(text)
      } catch (e) {
        throw new CallError(400, `Failed to parse JSON: ${(e as Error).message}`)
      }
      const deep = tooDeep(call)
      if (deep) throw new CallError(400, `Failed to validate master::Call: ${tooDeepMessage(deep)}`)
      if ((call as { type?: unknown } | null)?.type === 'SUBSCRIBE') {
        // the operator event stream: SUBSCRIBED (GET_STATE), HEARTBEATs, agent events
        const state = (operatorCall(master, { type: 'GET_STATE' }) as { get_state: object }).get_state
        master.operatorEvents.subscribe(new EventStream(c.env.outgoing, 'application/json'), state)
        return RESPONSE_ALREADY_SENT
      }
      const result = operatorCall(master, call)
      return result === undefined ? c.body(null, 200) : c.json(result)
    } catch (e) {
      return answer(c, e, log)
    }
  })

  app.get('/state', (c) => c.json(master.state()))
  app.get('/master/state', (c) => c.json(master.state()))
  app.get('/health', (c) => c.text('ok'))
  return app
}

/** A running master: the HTTP server and the Master behind it. */
export interface RunningMaster {
  master: Master
  server: Server
  /** `host:port` actually bound (port 0 resolved). */
  address: string
  close(): Promise<void>
}

/**
 * Starts a master on `host:port` (port 0 picks a free port).
 * @throws when the address is in use
 */
export async function startMaster(opts: {
  host: string
  port: number
  logger: Logger
  heartbeatIntervalSeconds?: number
  allocationIntervalMs?: number
  /** after an HA failover, how long agents from the registry may take to re-register (Mesos `--agent_reregister_timeout`) */
  agentReregisterTimeoutMs?: number
  /** Mesos `--agent_ping_timeout` (15 s) and `--max_agent_ping_timeouts` (5): see MasterOptions */
  agentPingTimeoutMs?: number
  maxAgentPingTimeouts?: number
  weights?: ReadonlyMap<string, number>
  /** etcd client URLs: run as one of several HA masters, elected through etcd */
  etcd?: string
  /** called when an elected master loses its leadership (default: exit, as Mesos masters do) */
  onLostLeadership?: (why: string) => void
  /** body size limits and request timeouts */
  limits?: MasterRequestLimits
}): Promise<RunningMaster> {
  let app: Hono<Env> | undefined
  let election: MasterElection | undefined
  /** an elected HA master answers 503 until it has read the registry (Mesos: recovery) */
  let recovered = false
  const { server, port } = await listen(
    (req, env) => {
      if (!app) return new Response('master is starting', { status: 503 })
      const path = new URL(req.url).pathname
      if (path === '/leader')
        return Response.json({
          leader: election ? (election.leader ?? null) : `${opts.host}:${port}`,
          elected: election ? election.isLeader : true,
        })
      // Non-leading HA masters send the APIs to the leader (Mesos: 307, or 503 "No leader elected").
      if (election?.isLeader && !recovered && LEADER_ONLY.has(path))
        return new Response('Master has not finished recovery', { status: 503 })
      if (election && !election.isLeader && LEADER_ONLY.has(path)) {
        const leader = election.leader
        if (!leader) return new Response('No leader elected', { status: 503 })
        return new Response(null, { status: 307, headers: { Location: `//${leader}${path}` } })
      }
      return app.fetch(req, env)
    },
    opts.host,
    opts.port,
    opts.limits?.timeouts,
  )
  if (opts.etcd) election = new MasterElection(opts.etcd, `${opts.host}:${port}`, opts.logger)
  const registry = election ? new MasterRegistry(election.client, opts.logger) : undefined
  const master = new Master({
    ...opts,
    port,
    onAgentAdmitted: registry ? (id, host, resources) => registry.admit(id, host, resources) : undefined,
    onWeightsUpdated: registry ? (weights) => registry.saveWeights(weights) : undefined,
    onAgentUnreachable: registry ? (id, host, time) => registry.markUnreachable(id, host, time) : undefined,
    onMaintenanceUpdated: registry ? (record) => registry.saveMaintenance(record) : undefined,
    onQuotasUpdated: registry ? (quotas) => registry.saveQuotas(quotas) : undefined,
  })
  app = createMasterApp(master, opts.logger, opts.limits)
  if (election && registry) {
    const lost =
      opts.onLostLeadership ??
      ((why: string) => {
        opts.logger.fatal({ why }, 'lost leadership: exiting, as Mesos masters do')
        process.exit(1)
      })
    const reregisterMs = opts.agentReregisterTimeoutMs ?? 75_000
    await election.start(() => {
      const agents = Promise.all([registry.agents(), registry.unreachable()])
        .then(([agents, unreachable]) => master.recoverAgents(agents, Date.now() + reregisterMs, unreachable))
        .catch((e: Error) =>
          opts.logger.error({ err: e.message }, 'could not read the registry; agents will be treated as new'),
        )
      const weights = registry
        .weights()
        .then((w) => w.length > 0 && master.recoverWeights(w))
        .catch((e: Error) =>
          opts.logger.error({ err: e.message }, 'could not read the role weights from the registry; keeping --weights'),
        )
      const maintenance = registry
        .maintenance()
        .then((m) => m && master.recoverMaintenance(m))
        .catch((e: Error) =>
          opts.logger.error({ err: e.message }, 'could not read the maintenance schedule from the registry'),
        )
      const quotas = registry
        .quotas()
        .then((q) => q.length > 0 && master.recoverQuotas(q))
        .catch((e: Error) => opts.logger.error({ err: e.message }, 'could not read the role quotas from the registry'))
      void Promise.all([agents, weights, maintenance, quotas]).finally(() => (recovered = true))
    }, lost)
  }
  opts.logger.info(
    { address: `${opts.host}:${port}`, masterId: master.ids.masterId, etcd: opts.etcd },
    'master started',
  )
  return {
    master,
    server,
    address: `${opts.host}:${port}`,
    close: async () => {
      await election?.stop()
      master.stop()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
