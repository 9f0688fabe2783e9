import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { basename } from 'node:path'
import { Readable } from 'node:stream'
import { type Context, Hono } from 'hono'
import type { Logger } from 'pino'
import { CONTROLLER_BASE_ID, type KafkaNode, newKafkaUuid } from '../../contract/index.js'
import { KmError } from '../../errors/index.js'
import { ExprError, expandIds, newNode, nodeJson, pendingChanges } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { waitUntil } from '../framework/index.js'
import { AlterConfigsError, applyLive, type OptionsPlan, planIsEmpty, planOptionsChange } from '../kafka/index.js'
import { quorumPlaced, quorumStopProblem } from '../quorum/index.js'
import { registerCloneRoutes } from './clone.js'
import { controllerRoutes } from './controllers.js'
import { registerObserveRoutes } from './observe.js'
import { registerOpsLog } from './ops-log.js'
import { ApiError, type NodeParams, NodeParamsSchema, readParams, StartStopSchema, validate } from './params.js'
import { registerQuotaRoutes } from './quotas.js'
import { registerRestartRoutes } from './restart.js'
import { registerTopicRoutes } from './topics.js'

/** mesos/kafka's start/stop wait (§2.2): 60 s by default, polled every 100 ms. */
export const DEFAULT_WAIT_MS = 60_000

function ids(expr: string, scheduler: KafkaScheduler): number[] {
  try {
    return expandIds(
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
}

/** Settings other than `options`, by REST param name, as they decide whether something changed. */
const SETTINGS: Array<[string, (n: KafkaNode) => unknown]> = [
  ['cpus', (n) => n.cpus],
  ['mem', (n) => n.mem],
  ['heap', (n) => n.heap],
  ['port', (n) => n.port],
  ['bindAddress', (n) => n.bindAddress],
  ['syslog', (n) => n.syslog ?? false],
  ['volume', (n) => n.volume],
  ['log4jOptions', (n) => n.log4jOptions ?? {}],
  ['constraints', (n) => n.constraints],
  ['jvmOptions', (n) => n.jvmOptions],
  ['javaCmd', (n) => n.javaCmd],
  ['stickinessPeriod', (n) => n.stickiness.periodMs],
  ['failoverDelay', (n) => n.failover.delayMs],
  ['failoverMaxDelay', (n) => n.failover.maxDelayMs],
  ['failoverMaxTries', (n) => n.failover.maxTries],
]

/** Applies add/update params to a node. @returns the settings other than `options` that changed (REST param names) */
function applyParams(node: KafkaNode, p: NodeParams): string[] {
  const before = SETTINGS.map(([, get]) => JSON.stringify(get(node)))
  if (p.cpus !== undefined) node.cpus = p.cpus
  if (p.mem !== undefined) node.mem = p.mem
  if (p.heap !== undefined) node.heap = p.heap
  if (p.port !== undefined) node.port = p.port ?? undefined
  if (p.options !== undefined) node.options = p.options ?? {}
  if (p.bindAddress !== undefined) node.bindAddress = p.bindAddress ?? undefined
  if (p.syslog !== undefined) node.syslog = p.syslog || undefined
  if (p.volume !== undefined) node.volume = p.volume ?? undefined
  if (p.log4jOptions !== undefined)
    node.log4jOptions = p.log4jOptions && Object.keys(p.log4jOptions).length > 0 ? p.log4jOptions : undefined
  if (p.constraints !== undefined) node.constraints = p.constraints || undefined
  if (p.jvmOptions !== undefined) node.jvmOptions = p.jvmOptions
  if (p.javaCmd !== undefined) node.javaCmd = p.javaCmd || 'java'
  if (p.stickinessPeriod !== undefined) node.stickiness.periodMs = p.stickinessPeriod
  if (p.failoverDelay !== undefined) node.failover.delayMs = p.failoverDelay
  if (p.failoverMaxDelay !== undefined) node.failover.maxDelayMs = p.failoverMaxDelay
  if (p.failoverMaxTries !== undefined) node.failover.maxTries = p.failoverMaxTries ?? undefined
  return SETTINGS.filter(([, get], i) => JSON.stringify(get(node)) !== before[i]).map(([name]) => name)
}

/**
 * After an update of a node with a task: which changes need a restart (mesos/kafka §2.2 sets
 * needsRestart for any change; here options applied live are not counted, see
 * kafka/dynamic-configs.ts).
 */
function markRestart(node: KafkaNode, changed: string[], optionsChanged: boolean): void {
  if (!node.task) return
  const fields = new Set([...(node.restartFields ?? []), ...changed])
  // a task launched before kafka-mesos recorded its options: any options change needs the restart
  if (optionsChanged && !node.launchedOptions) fields.add('options')
  node.restartFields = fields.size > 0 ? [...fields] : undefined
  node.needsRestart = (pendingChanges(node)?.restart.length ?? 0) > 0
}

/** The Kafka trouble of a live config change as an API answer: Kafka's refusal is 400, an unreachable broker 503. */
function liveError(node: KafkaNode, plan: OptionsPlan, e: unknown): ApiError {
  const what = [
    ...Object.entries(plan.set).map(([k, v]) => `${k}=${v}`),
    ...plan.remove.map((k) => `${k} removed`),
  ].join(', ')
  if (e instanceof AlterConfigsError)
    return new ApiError(
      400,
      `options: Kafka refused ${what} on broker ${node.id}: ${e.message}`,
      'KM_ERR_KAFKA_REFUSED',
    )
  return new ApiError(
    503,
    `options: broker ${node.id} at ${node.task?.endpoint} did not take ${what} (${(e as Error).message}); nothing was changed, try again`,
    'KM_ERR_KAFKA_UNAVAILABLE',
  )
}

function checkResources(node: KafkaNode): void {
  if (node.heap >= node.mem)
    throw new ApiError(
      400,
      `heap (${node.heap} MB) must be less than mem (${node.mem} MB) for broker ${node.id}: Kafka needs memory beyond its heap; raise --mem or lower --heap`,
    )
}

async function sendFile(c: Context, path: string, type: string): Promise<Response> {
  const s = await stat(path).catch(() => undefined)
  if (!s) return c.json({ error: `${basename(path)} is not available on this scheduler` }, 404)
  return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, {
    headers: {
      'Content-Type': type,
      'Content-Length': String(s.size),
      'Content-Disposition': `attachment; filename="${basename(path)}"`,
    },
  })
}

/**
 * The scheduler's REST API (mesos/kafka §2): `/api/broker/{add,update,list,remove,start,stop}`
 * taking form-urlencoded or JSON bodies; errors are HTTP 400 with `{"error": "...", "code": "..."}`.
 * Also serves the executor bundle and the Kafka archive to agents, and `/health`.
 */
export function createApi(scheduler: KafkaScheduler, log: Logger) {
  const app = new Hono()
  registerOpsLog(app, scheduler, log) // before every route: it records the mutating calls
  const brokerById = (id: number) => scheduler.state.brokers.find((b) => b.id === id)
  const json = (b: KafkaNode) => ({
    ...nodeJson(b, Date.now(), scheduler.waiting.get(b.id)),
    metrics: scheduler.reportedMetrics(b),
  })

  app.onError((e, c) => {
    // bad input (ApiError) and every domain refusal: its message, stable code and status
    if (e instanceof KmError) return c.json(e.toJSON(), e.status)
    log.error({ err: e }, 'unexpected API error')
    return c.json({ error: `internal error: ${e.message}`, code: 'KM_ERR_INTERNAL' }, 500)
  })
  app.notFound((c) =>
    c.json({ error: `no such endpoint: ${c.req.method} ${c.req.path}`, code: 'KM_ERR_NOT_FOUND' }, 404),
  )

  app.on(['GET', 'POST'], '/api/broker/list', async (c) => {
    const params = await readParams(c)
    const list = ids(params.broker ?? '*', scheduler)
    return c.json({
      brokers: list
        .map(brokerById)
        .filter((b): b is KafkaNode => !!b)
        .map(json),
    })
  })

  app.post('/api/broker/add', async (c) => {
    const p = validate(NodeParamsSchema, await readParams(c))
    const list = ids(p.broker, scheduler)
    if (list.length === 0) throw new ApiError(400, `broker: "${p.broker}" names no broker; give ids such as 0..2`)
    const big = list.find((id) => id >= CONTROLLER_BASE_ID)
    if (big !== undefined)
      throw new ApiError(
        400,
        `broker: id ${big} is reserved for KRaft controllers; use ids below ${CONTROLLER_BASE_ID}`,
      )
    const existing = list.filter((id) => brokerById(id))
    if (existing.length > 0)
      throw new ApiError(
        400,
        `Broker${existing.length > 1 ? 's' : ''} ${existing.join(',')} already exist${existing.length > 1 ? '' : 's'}`,
        'KM_ERR_EXISTS',
      )
    if (p.role === 'broker,controller') {
      // A combined node is a voter from the start: it can only be part of the quorum as it is formed.
      if (scheduler.state.controllers.length > 0 || quorumPlaced(scheduler.voterNodes())) {
        throw new ApiError(
          400,
          'role: broker,controller nodes can only form a new KRaft quorum, and this cluster already has one; add a broker (role broker) and grow the quorum with: controller add',
        )
      }
    }
    const added = list.map((id) => {
      const node = newNode(id, p.role ?? 'broker')
      if (node.role === 'broker,controller') {
        node.directoryId = newKafkaUuid()
        // a voter failing is restarted soon on its own host: the quorum needs it back
        node.failover.delayMs = 5_000
        node.failover.maxDelayMs = 60_000
      }
      applyParams(node, p)
      checkResources(node)
      return node
    })
    scheduler.state.brokers.push(...added)
    scheduler.state.brokers.sort((a, b) => a.id - b.id)
    await scheduler.save()
    log.info({ brokers: list }, 'brokers added')
    return c.json({ brokers: added.map(json) })
  })

  app.post('/api/broker/update', async (c) => {
    const p = validate(NodeParamsSchema, await readParams(c))
    const list = ids(p.broker, scheduler)
    const missing = list.filter((id) => !brokerById(id))
    if (missing.length > 0) throw new ApiError(400, `Broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
    const changed = list.filter((id) => p.role !== undefined && brokerById(id)!.role !== p.role)
    if (changed.length > 0)
      throw new ApiError(
        400,
        `role: the role of broker ${changed.join(',')} is fixed when it is added (its storage is formatted for it); remove and add it again`,
      )
    const nodes = list.map((id) => brokerById(id)!)
    // Check everything first; options Kafka can change at run time go to running brokers live.
    const planned = nodes.map((node) => {
      const copy = structuredClone(node)
      applyParams(copy, p)
      checkResources(copy)
      const live = node.task?.state === 'running' && node.launchedOptions && p.options !== undefined
      return {
        node,
        options: copy.options,
        plan: live ? planOptionsChange(node.launchedOptions!, node.dynamicConfigs ?? {}, copy.options) : undefined,
      }
    })
    const toApply = planned.filter((x) => x.plan && !planIsEmpty(x.plan))
    for (const x of toApply)
      await applyLive(x.node, x.plan!, true).catch((e: unknown) => Promise.reject(liveError(x.node, x.plan!, e)))
    for (const x of toApply) {
      await applyLive(x.node, x.plan!, false).catch(async (e: unknown) => {
        await scheduler.save() // what was applied to earlier brokers is recorded
        throw liveError(x.node, x.plan!, e)
      })
      log.info(
        { broker: x.node.id, set: x.plan!.set, removed: x.plan!.remove },
        'options applied to the running broker without a restart',
      )
    }
    for (const { node, options } of planned) {
      const optionsChanged = JSON.stringify(node.options) !== JSON.stringify(options)
      const changed = applyParams(node, p)
      markRestart(node, changed, optionsChanged)
    }
    await scheduler.save()
    log.info({ brokers: list }, 'brokers updated')
    return c.json({ brokers: nodes.map(json) })
  })

  app.post('/api/broker/remove', async (c) => {
    const params = await readParams(c)
    if (!params.broker) throw new ApiError(400, 'broker: required, an id expression such as 0..2')
    const list = ids(params.broker, scheduler)
    const missing = list.filter((id) => !brokerById(id))
    if (missing.length > 0) throw new ApiError(400, `broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
    const active = list.filter((id) => brokerById(id)!.active || brokerById(id)!.task)
    if (active.length > 0)
      throw new ApiError(
        400,
        `broker ${active.join(',')} is active; stop it first with: broker stop ${active.join(',')}`,
        'KM_ERR_ACTIVE',
      )
    const voters = list.filter(
      (id) => brokerById(id)!.role === 'broker,controller' && quorumPlaced(scheduler.voterNodes()),
    )
    if (voters.length > 0)
      throw new ApiError(
        400,
        `broker ${voters.join(',')} is a broker,controller node, a voter of the KRaft quorum; it cannot be removed (start it again with: broker start ${voters.join(',')})`,
        'KM_ERR_VOTER',
      )
    scheduler.state.brokers = scheduler.state.brokers.filter((b) => !list.includes(b.id))
    await scheduler.save()
    log.info({ brokers: list }, 'brokers removed')
    return c.json({ ids: list.map(String) })
  })

  for (const op of ['start', 'stop'] as const) {
    app.post(`/api/broker/${op}`, async (c) => {
      const p = validate(StartStopSchema, await readParams(c))
      const list = ids(p.broker, scheduler)
      if (list.length === 0) throw new ApiError(400, `broker: "${p.broker}" names no broker`)
      const missing = list.filter((id) => !brokerById(id))
      if (missing.length > 0)
        throw new ApiError(
          400,
          `broker ${missing.join(',')} not found; add it first with: broker add ${missing.join(',')}`,
          'KM_ERR_NOT_FOUND',
        )
      if (!scheduler.connected)
        log.warn('not subscribed to the master right now; the request is stored and carried out once connected')
      const nodes = list.map((id) => brokerById(id)!)
      const quorumProblem = op === 'stop' ? quorumStopProblem(scheduler.nodes(), new Set(list)) : undefined
      if (quorumProblem) throw new ApiError(409, quorumProblem, 'KM_ERR_QUORUM')
      if (op === 'start') await scheduler.activate(nodes)
      else await scheduler.deactivate(nodes, p.force)
      const timeout = p.timeout ?? DEFAULT_WAIT_MS
      log.info({ brokers: list, timeoutMs: timeout, force: p.force }, `broker ${op} requested`)
      if (timeout === 0) return c.json({ status: 'scheduled', brokers: nodes.map(json) })
      // Each broker is waited on in turn with the full timeout, as mesos/kafka (§2.2).
      let ok = true
      for (const node of nodes) {
        const done = op === 'start' ? () => node.task?.state === 'running' || !node.active : () => !node.task
        if (!(await waitUntil(scheduler, done, Date.now() + timeout))) {
          ok = false
          break
        }
      }
      const started = op === 'start' ? nodes.every((n) => n.task?.state === 'running') : true
      const status = ok && started ? (op === 'start' ? 'started' : 'stopped') : 'timeout'
      return c.json({ status, brokers: nodes.map(json) })
    })
  }

  app.get('/executor/kafka-mesos-executor.cjs', (c) =>
    sendFile(c, scheduler.options.executorBundle, 'application/javascript'),
  )
  app.get('/kafka/:name', (c) => {
    if (c.req.param('name') !== basename(scheduler.options.kafkaArchive))
      return c.json({ error: `unknown Kafka archive ${c.req.param('name')}` }, 404)
    return sendFile(c, scheduler.options.kafkaArchive, 'application/gzip')
  })
  registerTopicRoutes(app, scheduler, log)
  registerRestartRoutes(app, scheduler, log)
  registerCloneRoutes(app, scheduler, log)
  registerObserveRoutes(app, scheduler, log)
  app.get('/agents/:name', (c) => {
    const jar = scheduler.options.metricsAgentJar
    if (!jar || c.req.param('name') !== basename(jar))
      return c.json({ error: `unknown agent ${c.req.param('name')}` }, 404)
    return sendFile(c, jar, 'application/java-archive')
  })
  registerQuotaRoutes(app, scheduler, log)
  app.on(['GET', 'POST'], '/health', (c) => c.text('ok'))
  app.get('/api/status', (c) =>
    c.json({
      connected: scheduler.connected,
      frameworkId: scheduler.state.frameworkId,
      clusterId: scheduler.state.clusterId,
      controllers: scheduler.state.controllers.map((n) => nodeJson(n)),
      brokers: scheduler.state.brokers.length,
    }),
  )
  controllerRoutes(app, scheduler, log)
  return app
}
