import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { EventStream } from '../http/index.js'
import {
  type AgentInfo,
  addResources,
  type agent as agentMsg,
  type ContentType,
  containsResources,
  encode,
  type FrameworkInfo,
  isTerminal,
  type Offer,
  type OfferOperation,
  type OperationStatus,
  type Resource,
  reservationStack,
  resourceRole,
  scalarSum,
  type scheduler,
  subtractResources,
  type TaskInfo,
  type TaskState,
  type TaskStatus,
  toPreRefinement,
} from '../proto/index.js'
import { AGENT_HEALTH_DEFAULTS, AgentHealth } from './agent-health.js'
import { allocate, type RoleQuota, validateRoleName } from './allocator/index.js'
import { CallError } from './errors.js'
import { OfferFilters } from './filters.js'
import { IdMinter, ipv4ToUint32 } from './ids.js'
import {
  type ClusterStatus,
  Maintenance,
  MaintenanceError,
  type MaintenanceRecord,
  type Schedule,
} from './maintenance.js'
import * as ops from './operations.js'
import { OperatorEvents } from './operator-events.js'
import { parseQuotaConfigs, quotaJson } from './quota.js'

/** Master settings. Durations in ms unless named otherwise. */
export interface MasterOptions {
  /** Address the master advertises (MasterInfo.hostname / ip). */
  host: string
  port: number
  /** HEARTBEAT period of scheduler streams; Mesos fixes it at 15 s. */
  heartbeatIntervalSeconds?: number
  /** Mesos `--allocation_interval`, default 1000 ms. */
  allocationIntervalMs?: number
  /** Mesos `--agent_ping_timeout` (15 s): ms between pings of an agent and to answer one. */
  agentPingTimeoutMs?: number
  /** Mesos `--max_agent_ping_timeouts` (5): unanswered pings in a row that make an agent unreachable. */
  maxAgentPingTimeouts?: number
  /** Registry hook (HA): called with every quota after UPDATE_QUOTA, to record them durably. */
  onQuotasUpdated?: (quotas: Array<ReturnType<typeof quotaJson>>) => void | Promise<void>
  /** Role weights for DRF (Mesos `--weights kafka=3,web=1`); roles not listed weigh 1. */
  weights?: ReadonlyMap<string, number>
  /** called after UPDATE_WEIGHTS with every weight (HA masters store them in the registry) */
  onWeightsUpdated?: (weights: Array<{ role: string; weight: number }>) => void | Promise<void>
  logger: Logger
  /** Registry hook (HA): called when an agent (re-)registers or its reservations and volumes change, to record it durably. */
  onAgentAdmitted?: (agentId: string, hostname: string, checkpointed: Resource[]) => void
  /** Registry hook (HA): called when an agent is marked unreachable (epoch ms). */
  onAgentUnreachable?: (agentId: string, hostname: string, timeMs: number) => void
  /** Registry hook (HA): called after every change of the maintenance schedule or machine modes. */
  onMaintenanceUpdated?: (record: MaintenanceRecord) => void | Promise<void>
}

interface FrameworkStream {
  sink: EventStream
  streamId: string
  contentType: ContentType
  heartbeat: NodeJS.Timeout
}

interface FrameworkEntry {
  id: string
  info: FrameworkInfo
  stream?: FrameworkStream
  suppressed: boolean
  offers: Set<string>
  failoverTimer?: NodeJS.Timeout
  registeredAt: number
}

interface AgentEntry {
  id: string
  info: AgentInfo
  /** `--resources` with the dynamic reservations and persistent volumes applied (refinement format) */
  total: Resource[]
  /** dynamic reservations and persistent volumes, as the agent checkpoints them */
  checkpointed: Resource[]
  link?: { sink: EventStream; contentType: ContentType }
  /** executor key `<frameworkId>/<executorId>` -> resources of the executor itself */
  executors: Map<string, Resource[]>
  registeredAt: number
}

interface TaskEntry {
  frameworkId: string
  agentId: string
  info: TaskInfo
  state: TaskState
  status?: TaskStatus
  resources: Resource[]
  /** the agent was marked unreachable (epoch ms); the task of a partition-aware framework is kept */
  unreachableSince?: number
  /** the task's state before its agent became unreachable, restored when the agent comes back */
  stateBefore?: TaskState
}

/** An agent marked unreachable (§4.3): removed from the cluster, may re-register later. */
interface UnreachableAgent {
  id: string
  hostname: string
  port?: number
  /** epoch ms */
  time: number
}

interface OfferEntry {
  offer: Offer
  resources: Resource[]
}

const PARTITION_AWARE = 'PARTITION_AWARE'

/**
 * The master: registers agents, offers their resources to frameworks (DRF, refuse filters,
 * suppress/revive), routes task launches, kills, status updates, acknowledgements and framework
 * messages. Call semantics as the Mesos v1 scheduler API (mesos-api.md §1); the agent link is our own
 * (core-cluster/proto/agent.proto).
 */
export class Master {
  readonly ids = new IdMinter()
  private readonly frameworks = new Map<string, FrameworkEntry>()
  private readonly agents = new Map<string, AgentEntry>()
  private readonly tasks = new Map<string, TaskEntry>()
  private readonly offers = new Map<string, OfferEntry>()
  private readonly filters = new OfferFilters()
  private allocationTimer?: NodeJS.Timeout
  private readonly heartbeatSeconds: number
  private readonly allocationIntervalMs: number
  private readonly health: AgentHealth
  private readonly unreachable = new Map<string, UnreachableAgent>()
  /** the v1 operator API's event stream (SUBSCRIBE on /api/v1) */
  readonly operatorEvents = new OperatorEvents()
  private readonly log: Logger
  private periodic?: NodeJS.Timeout
  private readonly weights: Map<string, number>
  /** Maintenance schedule and machine modes (Mesos maintenance primitives). */
  private readonly maintenance = new Maintenance()
  /** Reservations and volumes per agent as the HA registry last recorded them (read after an election). */
  private readonly registryResources = new Map<string, Resource[]>()
  /** Outstanding inverse offers: id → framework and agent. */
  private readonly inverseOffers = new Map<string, { frameworkId: string; agentId: string }>()
  /** role → quota (operator UPDATE_QUOTA); honoured by the allocator */
  private readonly quotas = new Map<string, RoleQuota>()

  constructor(private readonly options: MasterOptions) {
    this.heartbeatSeconds = options.heartbeatIntervalSeconds ?? 15
    this.allocationIntervalMs = options.allocationIntervalMs ?? 1000
    this.health = new AgentHealth(
      {
        pingTimeoutMs: options.agentPingTimeoutMs ?? AGENT_HEALTH_DEFAULTS.pingTimeoutMs,
        maxPingTimeouts: options.maxAgentPingTimeouts ?? AGENT_HEALTH_DEFAULTS.maxPingTimeouts,
      },
      {
        ping: (id) => {
          const a = this.agents.get(id)
          if (a) this.sendAgent(a, { type: 'PING' })
        },
        unreachable: (id, misses) =>
          this.markUnreachable(id, `health check timed out after ${misses} unanswered pings`),
      },
    )
    this.log = options.logger
    this.weights = new Map(options.weights ?? [])
    // Periodic allocation, as Mesos's --allocation_interval (filters expire, resources freed).
    this.periodic = setInterval(() => this.allocateNow(), this.allocationIntervalMs)
    this.periodic.unref()
  }

  stop(): void {
    if (this.periodic) clearInterval(this.periodic)
    if (this.allocationTimer) clearTimeout(this.allocationTimer)
    for (const f of this.frameworks.values()) {
      if (f.failoverTimer) clearTimeout(f.failoverTimer)
      if (f.stream) {
        clearInterval(f.stream.heartbeat)
        f.stream.sink.close()
      }
    }
    this.health.stop()
    this.operatorEvents.stop()
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer)
    for (const a of this.agents.values()) a.link?.sink.close()
  }

  get masterInfo() {
    const { host, port } = this.options
    return {
      id: this.ids.masterId,
      ip: ipv4ToUint32(host),
      port,
      hostname: host,
      version: '1.11.0',
      address: { hostname: host, ip: host, port },
    }
  }

  // ---------------------------------------------------------------- frameworks (v1 scheduler API)

  /**
   * SUBSCRIBE: registers a new framework or fails over an existing one (the old stream gets
   * ERROR "Framework failed over"). Sends SUBSCRIBED then one HEARTBEAT, as Mesos (§1.4).
   * @throws CallError 400 when `framework_id` and `framework_info.id` disagree
   */
  subscribe(
    call: scheduler.Call,
    sink: EventStream,
    contentType: ContentType,
    streamId: string = randomUUID(),
  ): string {
    const info = structuredClone(call.subscribe!.framework_info)
    if (call.framework_id && call.framework_id.value !== info.id?.value) {
      throw new CallError(400, "'framework_id' differs from 'subscribe.framework_info.id'")
    }
    const problem = this.validateRoles(info)
    if (problem) throw new CallError(400, problem)
    const requestedId = info.id?.value ?? call.framework_id?.value
    let fw = requestedId ? this.frameworks.get(requestedId) : undefined
    if (fw) {
      if (fw.stream) {
        this.send(fw, { type: 'ERROR', error: { message: 'Framework failed over' } })
        this.detachStream(fw)
      }
      if (fw.failoverTimer) clearTimeout(fw.failoverTimer)
      fw.failoverTimer = undefined
      this.recoverFrameworkOffers(fw, false)
      fw.info = { ...info, id: { value: fw.id }, user: fw.info.user, checkpoint: fw.info.checkpoint }
      this.log.info({ framework: fw.id, name: info.name }, 'framework re-subscribed (failover)')
    } else {
      // A known id from before a master restart is accepted and the framework rebuilt (§1.4).
      const id = requestedId ?? this.ids.framework()
      fw = { id, info: { ...info, id: { value: id } }, suppressed: false, offers: new Set(), registeredAt: Date.now() }
      this.frameworks.set(id, fw)
      this.log.info(
        { framework: id, name: info.name, role: this.roleOf(fw) },
        requestedId ? 'framework re-subscribed with a known id' : 'framework registered',
      )
    }
    const suppressed = call.subscribe?.suppressed_roles ?? []
    fw.suppressed = suppressed.length > 0 && suppressed.includes(this.roleOf(fw))
    const target = fw
    const heartbeat = setInterval(() => this.send(target, { type: 'HEARTBEAT' }), this.heartbeatSeconds * 1000)
    heartbeat.unref()
    fw.stream = { sink, streamId, contentType, heartbeat }
    sink.onClose(() => {
      if (target.stream?.sink === sink) this.disconnected(target)
    })
    this.send(fw, {
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: fw.id },
        heartbeat_interval_seconds: this.heartbeatSeconds,
        master_info: this.masterInfo,
      },
    })
    this.send(fw, { type: 'HEARTBEAT' })
    this.scheduleAllocation()
    return streamId
  }

  /**
   * Checks a non-SUBSCRIBE call's framework and stream id, in Mesos's order (§1.1).
   * @throws CallError 400 unknown framework or wrong stream id, 403 not subscribed
   */
  authorize(call: scheduler.Call, streamId: string | undefined): FrameworkEntry {
    const id = call.framework_id?.value
    if (!id) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'framework_id' to be present")
    const fw = this.frameworks.get(id)
    if (!fw) throw new CallError(400, 'Framework cannot be found')
    if (!fw.stream) throw new CallError(403, 'Framework is not subscribed')
    if (!streamId) throw new CallError(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header")
    if (streamId !== fw.stream.streamId)
      throw new CallError(
        400,
        `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${id}`,
      )
    return fw
  }

  /**
   * Handles every non-SUBSCRIBE call. Answers are asynchronous (202) as Mesos.
   * @throws CallError for validation failures and unknown call types (400)
   */
  handleCall(fw: FrameworkEntry, call: scheduler.Call): void {
    switch (call.type) {
      case 'ACCEPT':
        return this.accept(fw, call.accept ?? {})
      case 'DECLINE':
        return this.decline(fw, call.decline?.offer_ids ?? [], call.decline?.filters?.refuse_seconds)
      case 'REVIVE':
        fw.suppressed = false
        this.filters.clearFramework(fw.id)
        this.log.debug({ framework: fw.id }, 'REVIVE: filters cleared, offers resumed')
        return this.scheduleAllocation()
      case 'SUPPRESS':
        fw.suppressed = true
        this.log.debug({ framework: fw.id }, 'SUPPRESS: no more offers until REVIVE')
        return this.recoverFrameworkOffers(fw, true)
      case 'KILL':
        if (!call.kill) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'kill' to be present")
        return this.kill(fw, call.kill.task_id.value, call.kill.kill_policy)
      case 'ACKNOWLEDGE':
        return this.acknowledge(fw, call.acknowledge)
      case 'RECONCILE':
        return this.reconcile(fw, call.reconcile?.tasks ?? [])
      case 'MESSAGE': {
        const m = call.message
        if (!m) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'message' to be present")
        const agent = this.agents.get(m.agent_id.value)
        if (agent)
          this.sendAgent(agent, {
            type: 'FRAMEWORK_MESSAGE',
            framework_message: { framework_id: { value: fw.id }, executor_id: m.executor_id, data: m.data },
          })
        return
      }
      case 'SHUTDOWN': {
        const s = call.shutdown
        if (!s) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'shutdown' to be present")
        for (const t of this.tasks.values()) {
          if (
            t.frameworkId === fw.id &&
            t.agentId === s.agent_id.value &&
            t.info.executor?.executor_id.value === s.executor_id.value
          )
            this.kill(fw, t.info.task_id.value)
        }
        return
      }
      case 'TEARDOWN':
        return this.removeFramework(fw, 'TEARDOWN')
      case 'ACCEPT_INVERSE_OFFERS':
        return this.answerInverseOffers(fw, call.accept_inverse_offers?.inverse_offer_ids ?? [], 'ACCEPT')
      case 'DECLINE_INVERSE_OFFERS':
        return this.answerInverseOffers(fw, call.decline_inverse_offers?.inverse_offer_ids ?? [], 'DECLINE')
      case 'REQUEST':
      case 'ACKNOWLEDGE_OPERATION_STATUS':
      case 'RECONCILE_OPERATIONS':
        return
      case 'UPDATE_FRAMEWORK':
        return this.updateFramework(fw, call.update_framework)
      default:
        // Never a 5xx for a request the client got wrong (issue 4): an unknown type is a bad request.
        throw new CallError(
          400,
          `Failed to validate scheduler::Call: unknown or unsupported call type '${call.type ?? 'UNKNOWN'}'`,
        )
    }
  }

  /** FrameworkInfo role checks as Mesos (§1.4); returns the problem or undefined. */
  private validateRoles(info: FrameworkInfo): string | undefined {
    if (info.roles && info.roles.length > 0 && info.role && info.role !== '*')
      return "'roles' and the deprecated 'role' are mutually exclusive"
    const roles = info.roles && info.roles.length > 0 ? info.roles : [info.role ?? '*']
    if (new Set(roles).size !== roles.length) return "'roles' contains duplicates"
    for (const r of roles) {
      const problem = validateRoleName(r)
      if (problem) return problem
    }
    return undefined
  }

  /**
   * UPDATE_FRAMEWORK (synchronous, 200): new FrameworkInfo and suppressed roles for a subscribed
   * framework. principal, user and checkpoint cannot change. A role change rescinds outstanding offers.
   * @throws CallError 400 for an invalid update
   */
  private updateFramework(fw: FrameworkEntry, update: scheduler.Call['update_framework']): void {
    if (!update)
      throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'update_framework' to be present")
    const info = update.framework_info
    if (info.id?.value !== fw.id)
      throw new CallError(
        400,
        `Updating framework ${fw.id} failed: 'update_framework.framework_info.id' must equal 'framework_id'`,
      )
    for (const field of ['principal', 'user', 'checkpoint'] as const) {
      const before = fw.info[field] ?? (field === 'checkpoint' ? false : undefined)
      const after = info[field] ?? (field === 'checkpoint' ? false : undefined)
      if (before !== after)
        throw new CallError(400, `Updating framework ${fw.id} failed: updating 'FrameworkInfo.${field}' is unsupported`)
    }
    const problem = this.validateRoles(info)
    if (problem) throw new CallError(400, `Updating framework ${fw.id} failed: ${problem}`)
    const before = this.roleOf(fw)
    const role = info.roles?.[0] ?? info.role ?? '*'
    const suppressed = update.suppressed_roles ?? []
    const unknown = suppressed.find((r) => r !== role)
    if (unknown !== undefined)
      throw new CallError(
        400,
        `Updating framework ${fw.id} failed: suppressed role '${unknown}' is not one of the framework's roles`,
      )
    fw.info = { ...structuredClone(info), id: { value: fw.id } }
    const wasSuppressed = fw.suppressed
    fw.suppressed = suppressed.includes(role)
    if (role !== before) this.recoverFrameworkOffers(fw, true)
    if (wasSuppressed && !fw.suppressed) this.filters.clearFramework(fw.id)
    this.log.info({ framework: fw.id, role, suppressed: fw.suppressed }, 'framework updated')
    this.scheduleAllocation()
  }

  private roleOf(fw: FrameworkEntry): string {
    return fw.info.roles?.[0] ?? fw.info.role ?? '*'
  }

  private partitionAware(fw: FrameworkEntry): boolean {
    return (fw.info.capabilities ?? []).some((c) => c.type === PARTITION_AWARE)
  }

  private send(fw: FrameworkEntry, event: scheduler.Event): boolean {
    if (!fw.stream) return false
    return fw.stream.sink.send(encode('mesos.v1.scheduler.Event', event, fw.stream.contentType))
  }

  private detachStream(fw: FrameworkEntry): void {
    if (!fw.stream) return
    clearInterval(fw.stream.heartbeat)
    const sink = fw.stream.sink
    fw.stream = undefined
    sink.close()
  }

  /** Subscription lost: offers go back, the failover_timeout timer starts (§1.7). */
  private disconnected(fw: FrameworkEntry): void {
    this.detachStream(fw)
    this.recoverFrameworkOffers(fw, false)
    const seconds = fw.info.failover_timeout ?? 0
    this.log.warn(
      { framework: fw.id, failoverTimeoutSeconds: seconds },
      'framework disconnected; waiting for it to re-subscribe',
    )
    fw.failoverTimer = setTimeout(
      () => this.removeFramework(fw, `failover timeout of ${seconds}s expired`),
      Math.min(seconds * 1000, 2 ** 31 - 1),
    )
    fw.failoverTimer.unref()
  }

  private removeFramework(fw: FrameworkEntry, why: string): void {
    this.log.warn({ framework: fw.id, why }, 'removing framework: its tasks are killed')
    this.recoverFrameworkOffers(fw, false)
    if (fw.failoverTimer) clearTimeout(fw.failoverTimer)
    for (const a of this.agents.values())
      this.sendAgent(a, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: fw.id } } })
    for (const [key, t] of this.tasks) if (t.frameworkId === fw.id) this.tasks.delete(key)
    for (const [id, o] of this.inverseOffers) if (o.frameworkId === fw.id) this.inverseOffers.delete(id)
    this.detachStream(fw)
    this.frameworks.delete(fw.id)
    this.scheduleAllocation()
  }

  private recoverFrameworkOffers(fw: FrameworkEntry, rescind: boolean): void {
    for (const offerId of fw.offers) {
      if (rescind) this.send(fw, { type: 'RESCIND', rescind: { offer_id: { value: offerId } } })
      this.offers.delete(offerId)
    }
    fw.offers.clear()
    this.scheduleAllocation()
  }

  private takeOffers(fw: FrameworkEntry, ids: { value: string }[]): OfferEntry[] | string {
    const seen = new Set<string>()
    const out: OfferEntry[] = []
    for (const { value } of ids) {
      if (seen.has(value)) return `Duplicate offer ${value} in the call`
      seen.add(value)
      const entry = this.offers.get(value)
      if (!entry) return `Offer ${value} is no longer valid`
      if (entry.offer.framework_id.value !== fw.id) return `Offer ${value} belongs to another framework`
      out.push(entry)
    }
    if (new Set(out.map((o) => o.offer.agent_id.value)).size > 1)
      return 'Aggregated offers must belong to the same agent'
    for (const o of out) {
      this.offers.delete(o.offer.id.value)
      fw.offers.delete(o.offer.id.value)
    }
    return out
  }

  private decline(fw: FrameworkEntry, ids: { value: string }[], refuseSeconds: number | undefined): void {
    for (const { value } of ids) {
      const entry = this.offers.get(value)
      if (!entry || entry.offer.framework_id.value !== fw.id) continue
      this.offers.delete(value)
      fw.offers.delete(value)
      this.filters.add(
        fw.id,
        entry.offer.agent_id.value,
        entry.resources,
        refuseSeconds,
        Date.now(),
        this.allocationIntervalMs,
      )
    }
    this.scheduleAllocation()
  }

  /**
   * ACCEPT: the operations are applied in order to the offers' resources (LAUNCH, LAUNCH_GROUP,
   * RESERVE, UNRESERVE, CREATE, DESTROY; mesos-api.md §1.5); what is left is declined with `filters`.
   * An invalid resource operation is dropped (OPERATION_ERROR if it has an id); invalid tasks get
   * TASK_ERROR.
   */
  private accept(fw: FrameworkEntry, accept: NonNullable<scheduler.Call['accept']>): void {
    const taken = this.takeOffers(fw, accept.offer_ids ?? [])
    const operations = accept.operations ?? []
    if (typeof taken === 'string') {
      // Invalid offers: every task is LOST with REASON_INVALID_OFFERS (§1.10).
      const tasks = operations.flatMap((op) => [
        ...(op.launch?.task_infos ?? []),
        ...(op.launch_group?.task_group?.tasks ?? []),
      ])
      for (const t of tasks)
        this.statusToFramework(fw, {
          task_id: t.task_id,
          state: this.partitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST',
          reason: 'REASON_INVALID_OFFERS',
          message: taken,
          source: 'SOURCE_MASTER',
        })
      for (const op of operations) this.operationStatus(fw, op, undefined, 'OPERATION_DROPPED', taken)
      return
    }
    if (taken.length === 0) return
    const agentId = taken[0].offer.agent_id.value
    const agent = this.agents.get(agentId)
    let remaining = taken.reduce<Resource[]>((acc, o) => addResources(acc, o.resources), [])
    for (const op of operations) {
      const type = op.type && op.type !== 'UNKNOWN' ? op.type : op.launch ? 'LAUNCH' : 'UNKNOWN'
      if (type === 'LAUNCH') remaining = this.launchTasks(fw, agent, agentId, op.launch?.task_infos ?? [], remaining)
      else if (type === 'LAUNCH_GROUP') remaining = this.launchGroup(fw, agent, agentId, op, remaining)
      else if (type === 'RESERVE' || type === 'UNRESERVE' || type === 'CREATE' || type === 'DESTROY')
        remaining = this.resourceOperation(fw, agent, op, type, remaining)
      else {
        this.log.warn({ framework: fw.id, type }, 'unsupported offer operation dropped')
        this.operationStatus(fw, op, agentId, 'OPERATION_ERROR', `Unsupported offer operation '${type}'`)
      }
    }
    if (remaining.length > 0)
      this.filters.add(fw.id, agentId, remaining, accept.filters?.refuse_seconds, Date.now(), this.allocationIntervalMs)
    this.scheduleAllocation()
  }

  /**
   * Operator RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES (Mesos operator
   * API): the same conversions as the offer operations, on an agent's resources that no task uses.
   * The agent's outstanding offers are rescinded first (their resources count as free again); each
   * resource acts for the role and principal of its own (innermost) reservation.
   * @throws CallError 400 for an unknown agent or an operation that does not apply, with the reason
   */
  operatorResources(
    kind: 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY',
    agentId: string,
    resources: Resource[],
  ): void {
    const agent = this.agents.get(agentId)
    if (!agent) throw new CallError(400, `Failed to validate master::Call: agent '${agentId}' is not registered`)
    this.rescindAgentOffers(agentId)
    let available = this.availableByAgent().get(agentId) ?? []
    let total = agent.total
    for (const r of resources) {
      const top = reservationStack(r).at(-1)
      const ctx = {
        role: top?.role ?? '*',
        principal: kind === 'CREATE' ? (r.disk?.persistence?.principal ?? top?.principal) : top?.principal,
        agentTotal: total,
      }
      const c =
        kind === 'RESERVE'
          ? ops.reserve(ctx, available, [r])
          : kind === 'UNRESERVE'
            ? ops.unreserve(ctx, available, [r])
            : kind === 'CREATE'
              ? ops.create(ctx, available, [r])
              : ops.destroy(ctx, available, [r])
      if ('error' in c) throw new CallError(400, `Failed to validate master::Call: ${c.error}`)
      available = ops.applyConversion(available, c)
      total = ops.applyConversion(total, c)
    }
    agent.total = total
    agent.checkpointed = ops.checkpointedOf(total)
    this.log.info(
      { agent: agentId, operation: kind, resources: resources.length },
      'operator changed reservations or volumes',
    )
    this.checkpointAgent(agent)
    this.scheduleAllocation()
  }

  /** UPDATE_OPERATION_STATUS for an operation that set `id` (feedback), as Mesos. */
  private operationStatus(
    fw: FrameworkEntry,
    op: OfferOperation,
    agentId: string | undefined,
    state: OperationStatus['state'],
    message?: string,
    converted?: Resource[],
  ): void {
    if (!op.id?.value) return
    const status: OperationStatus = {
      operation_id: op.id,
      state,
      ...(message ? { message } : {}),
      ...(agentId ? { agent_id: { value: agentId } } : {}),
      ...(converted ? { converted_resources: converted } : {}),
    }
    this.send(fw, { type: 'UPDATE_OPERATION_STATUS', update_operation_status: { status } })
  }

  /** LAUNCH: each valid task goes to the agent; returns what is left of the offer. */
  private launchTasks(
    fw: FrameworkEntry,
    agent: AgentEntry | undefined,
    agentId: string,
    tasks: TaskInfo[],
    offered: Resource[],
  ): Resource[] {
    let remaining = offered
    for (const task of tasks) {
      const problem = agent ? this.validateTask(fw, task, agentId, remaining) : 'Agent is gone'
      if (problem) {
        this.log.warn({ framework: fw.id, task: task.task_id?.value, problem }, 'task rejected')
        this.statusToFramework(fw, {
          task_id: task.task_id,
          state: 'TASK_ERROR',
          reason: 'REASON_TASK_INVALID',
          message: problem,
          source: 'SOURCE_MASTER',
          agent_id: { value: agentId },
        })
        continue
      }
      const used = this.taskResources(fw, task, agent!)
      remaining = subtractResources(remaining, used)
      const execKey = task.executor ? `${fw.id}/${task.executor.executor_id.value}` : undefined
      if (execKey && !agent!.executors.has(execKey)) agent!.executors.set(execKey, task.executor?.resources ?? [])
      this.tasks.set(this.taskKey(fw.id, task.task_id.value), {
        frameworkId: fw.id,
        agentId,
        info: task,
        state: 'TASK_STAGING',
        resources: task.resources ?? [],
      })
      this.log.info(
        { framework: fw.id, task: task.task_id.value, agent: agentId, host: agent!.info.hostname },
        'launching task',
      )
      this.sendAgent(agent!, { type: 'RUN_TASK', run_task: { framework_info: fw.info, task } })
    }
    return remaining
  }

  /**
   * LAUNCH_GROUP: all tasks of the group or none (TASK_ERROR, REASON_TASK_GROUP_INVALID), under one
   * executor of type DEFAULT (the agent's built-in default executor); tasks must have a `command`
   * and no `executor`. Resources: the tasks' plus the executor's when it is new on the agent.
   */
  private launchGroup(
    fw: FrameworkEntry,
    agent: AgentEntry | undefined,
    agentId: string,
    op: OfferOperation,
    offered: Resource[],
  ): Resource[] {
    const group = op.launch_group
    const tasks = group?.task_group?.tasks ?? []
    const fail = (message: string): Resource[] => {
      this.log.warn({ framework: fw.id, problem: message }, 'task group rejected')
      for (const t of tasks)
        this.statusToFramework(fw, {
          task_id: t.task_id,
          state: 'TASK_ERROR',
          reason: 'REASON_TASK_GROUP_INVALID',
          message,
          source: 'SOURCE_MASTER',
          agent_id: { value: agentId },
        })
      return offered
    }
    if (!agent) return fail('Agent is gone')
    if (!group?.executor?.executor_id?.value)
      return fail("LAUNCH_GROUP needs 'launch_group.executor' with an executor_id")
    if (tasks.length === 0) return fail("LAUNCH_GROUP needs at least one task in 'launch_group.task_group.tasks'")
    const executor = { ...group.executor, framework_id: { value: fw.id } }
    if ((executor.type ?? 'DEFAULT') !== 'DEFAULT')
      return fail(`LAUNCH_GROUP supports executors of type DEFAULT only, got ${executor.type}`)
    if (executor.command) return fail('An executor of type DEFAULT must not have a command: the agent runs its own')
    const ids = new Set<string>()
    for (const t of tasks) {
      if (t.executor)
        return fail(`Task '${t.task_id?.value}' of a group must not have 'executor': the group's executor runs it`)
      if (!t.command) return fail(`Task '${t.task_id?.value}' of a group needs a 'command'`)
      if (ids.has(t.task_id?.value)) return fail(`Duplicate task id '${t.task_id?.value}' in the group`)
      ids.add(t.task_id?.value)
    }
    const execKey = `${fw.id}/${executor.executor_id.value}`
    const newExecutor = !agent.executors.has(execKey)
    let want: Resource[] = newExecutor ? (executor.resources ?? []) : []
    for (const t of tasks) {
      const problem = this.validateTask(fw, { ...t, executor }, agentId, offered, true)
      if (problem) return fail(`Task '${t.task_id?.value}': ${problem}`)
      want = addResources(want, t.resources ?? [])
    }
    if (!containsResources(offered, want)) return fail('Task group uses more resources than offered')
    if (newExecutor) agent.executors.set(execKey, executor.resources ?? [])
    for (const t of tasks)
      this.tasks.set(this.taskKey(fw.id, t.task_id.value), {
        frameworkId: fw.id,
        agentId,
        info: { ...t, executor },
        state: 'TASK_STAGING',
        resources: t.resources ?? [],
      })
    this.log.info(
      { framework: fw.id, executor: executor.executor_id.value, tasks: [...ids], agent: agentId },
      'launching task group',
    )
    this.sendAgent(agent, {
      type: 'RUN_TASK_GROUP',
      run_task_group: { framework_info: fw.info, executor, task_group: { tasks } },
    })
    return subtractResources(offered, want)
  }

  /**
   * RESERVE, UNRESERVE, CREATE, DESTROY (./operations.ts): converts the offer's remainder and the
   * agent's total, then sends the agent its new checkpointed resources (it persists them and creates
   * or removes volume directories). Returns what is left of the offer.
   */
  private resourceOperation(
    fw: FrameworkEntry,
    agent: AgentEntry | undefined,
    op: OfferOperation,
    type: 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY',
    offered: Resource[],
  ): Resource[] {
    if (!agent) {
      this.operationStatus(fw, op, undefined, 'OPERATION_ERROR', 'Agent is gone')
      return offered
    }
    const ctx = {
      role: this.roleOf(fw),
      principal: fw.info.principal,
      agentTotal: agent.total,
      refinement: (fw.info.capabilities ?? []).some((c) => c.type === 'RESERVATION_REFINEMENT'),
    }
    const c =
      type === 'RESERVE'
        ? ops.reserve(ctx, offered, op.reserve?.resources)
        : type === 'UNRESERVE'
          ? ops.unreserve(ctx, offered, op.unreserve?.resources)
          : type === 'CREATE'
            ? ops.create(ctx, offered, op.create?.volumes)
            : ops.destroy(ctx, offered, op.destroy?.volumes)
    if ('error' in c) {
      this.log.warn({ framework: fw.id, agent: agent.id, problem: c.error }, 'offer operation dropped')
      this.operationStatus(fw, op, agent.id, 'OPERATION_ERROR', c.error)
      return offered
    }
    agent.total = ops.applyConversion(agent.total, c)
    agent.checkpointed = ops.checkpointedOf(agent.total)
    this.log.info(
      { framework: fw.id, agent: agent.id, operation: type, resources: c.produced.length },
      'offer operation applied',
    )
    this.checkpointAgent(agent)
    this.operationStatus(fw, op, agent.id, 'OPERATION_FINISHED', undefined, c.produced)
    return ops.applyConversion(offered, c)
  }

  /** Resources a launch consumes: the task's plus a new executor's own. */
  private taskResources(fw: FrameworkEntry, task: TaskInfo, agent: AgentEntry): Resource[] {
    const execKey = task.executor ? `${fw.id}/${task.executor.executor_id.value}` : undefined
    const execRes = execKey && !agent.executors.has(execKey) ? (task.executor?.resources ?? []) : []
    return addResources(task.resources ?? [], execRes)
  }

  /** TaskInfo checks as Mesos (§1.10); returns the problem or undefined. */
  private validateTask(
    fw: FrameworkEntry,
    task: TaskInfo,
    agentId: string,
    offered: Resource[],
    inGroup = false,
  ): string | undefined {
    const id = task.task_id?.value ?? ''
    // biome-ignore lint/suspicious/noControlCharactersInRegex: Mesos refuses task ids with control characters
    if (!id || id === '.' || id === '..' || /[/\\\x00-\x1f]/.test(id) || id.length > 255)
      return `Task ID '${id}' is invalid`
    if (!inGroup && !!task.executor === !!task.command)
      return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present'
    if (task.agent_id?.value !== agentId)
      return `Task uses agent ${task.agent_id?.value} but the offer is for agent ${agentId}`
    const existing = this.tasks.get(this.taskKey(fw.id, id))
    if (existing && !isTerminal(existing.state)) return `Task has a duplicate ID: ${id}`
    const agent = this.agents.get(agentId)!
    const want = inGroup ? (task.resources ?? []) : this.taskResources(fw, task, agent)
    if (!inGroup && scalarSum(want, 'cpus') <= 0 && scalarSum(want, 'mem') <= 0) return 'Task uses no resources'
    if (!containsResources(offered, want)) return 'Task uses more resources than offered'
    return undefined
  }

  private kill(fw: FrameworkEntry, taskId: string, killPolicy?: TaskInfo['kill_policy']): void {
    const t = this.tasks.get(this.taskKey(fw.id, taskId))
    if (!t) {
      // Unknown task: answer as explicit reconciliation does (§1.5 KILL).
      return this.reconcile(fw, [{ task_id: { value: taskId } }])
    }
    const agent = this.agents.get(t.agentId)
    if (agent)
      this.sendAgent(agent, {
        type: 'KILL_TASK',
        kill_task: { framework_id: { value: fw.id }, task_id: { value: taskId }, kill_policy: killPolicy },
      })
  }

  private acknowledge(fw: FrameworkEntry, ack: scheduler.Call['acknowledge']): void {
    if (!ack) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'acknowledge' to be present")
    if (Buffer.from(ack.uuid, 'base64').length !== 16)
      throw new CallError(400, "Failed to validate scheduler::Call: 'uuid' is not a valid UUID")
    const agent = this.agents.get(ack.agent_id.value)
    if (agent)
      this.sendAgent(agent, {
        type: 'ACKNOWLEDGE',
        acknowledge: { framework_id: { value: fw.id }, task_id: ack.task_id, uuid: ack.uuid },
      })
  }

  /** RECONCILE, implicit (empty list) or explicit, with Mesos's answer table (§1.9). */
  private reconcile(
    fw: FrameworkEntry,
    list: Array<{ task_id: { value: string }; agent_id?: { value: string } }>,
  ): void {
    const base = { source: 'SOURCE_MASTER' as const, reason: 'REASON_RECONCILIATION' }
    if (list.length === 0) {
      for (const t of this.tasks.values()) {
        if (t.frameworkId !== fw.id) continue
        this.statusToFramework(fw, {
          ...base,
          task_id: t.info.task_id,
          state: t.state,
          agent_id: { value: t.agentId },
          executor_id: t.info.executor?.executor_id,
          data: t.status?.data,
          message: 'Reconciliation: Latest task state',
          unreachable_time: this.unreachableTime(t.unreachableSince),
        })
      }
      return
    }
    for (const item of list) {
      const t = this.tasks.get(this.taskKey(fw.id, item.task_id.value))
      if (t) {
        this.statusToFramework(fw, {
          ...base,
          task_id: t.info.task_id,
          state: t.state,
          agent_id: { value: t.agentId },
          executor_id: t.info.executor?.executor_id,
          data: t.status?.data,
          message: 'Reconciliation: Latest task state',
          unreachable_time: this.unreachableTime(t.unreachableSince),
        })
        continue
      }
      const agentId = item.agent_id?.value
      if (this.mayStillReregister(agentId)) {
        // The agent is in the registry but has not re-registered since this master was elected:
        // no reply, the scheduler must retry (Mesos §1.9, second row).
        this.log.debug(
          { framework: fw.id, task: item.task_id.value, agent: agentId },
          'reconciliation: no reply while the agent may still re-register',
        )
        continue
      }
      const agent = agentId ? this.agents.get(agentId) : undefined
      const gone = agentId ? this.unreachable.get(agentId) : undefined
      let state: TaskState = 'TASK_LOST'
      if (this.partitionAware(fw)) state = agent ? 'TASK_GONE' : gone ? 'TASK_UNREACHABLE' : 'TASK_UNKNOWN'
      const message = gone ? 'Reconciliation: Task is unreachable' : 'Reconciliation: Task is unknown'
      this.statusToFramework(fw, {
        ...base,
        task_id: item.task_id,
        state,
        agent_id: item.agent_id,
        message,
        unreachable_time: this.unreachableTime(gone?.time),
      })
    }
  }

  /**
   * After an HA failover, agents from the registry that have not re-registered yet, each with the
   * time (epoch ms) until which it may still come back.
   */
  private readonly recovered = new Map<string, number>()

  private recoveryTimer?: NodeJS.Timeout

  /**
   * Marks registry agents as recovered: they may re-register until `deadlineMs` (epoch ms); those
   * that have not by then are marked unreachable (Mesos `--agent_reregister_timeout`). Agents the
   * registry lists as unreachable stay so (reconciliation answers TASK_UNREACHABLE for them).
   */
  recoverAgents(
    agents: ReadonlyArray<{ id: string; hostname?: string; resources?: Resource[] }>,
    deadlineMs: number,
    unreachable: ReadonlyArray<{ id: string; hostname?: string; time: number }> = [],
  ): void {
    for (const a of agents) if (a.resources?.length) this.registryResources.set(a.id, a.resources)
    for (const a of agents) if (!this.agents.get(a.id)?.link) this.recovered.set(a.id, deadlineMs)
    for (const u of unreachable)
      if (!this.agents.has(u.id)) this.unreachable.set(u.id, { id: u.id, hostname: u.hostname ?? '', time: u.time })
    const hostnames = new Map(agents.map((a) => [a.id, a.hostname ?? '']))
    this.log.info(
      { agents: agents.length, unreachable: unreachable.length, deadlineMs },
      'recovered agents from the registry; waiting for them to re-register',
    )
    if (this.recoveryTimer) clearTimeout(this.recoveryTimer)
    const check = (): void => {
      const now = Date.now()
      let next = Infinity
      for (const [id, deadline] of this.recovered) {
        if (deadline > now) {
          next = Math.min(next, deadline)
          continue
        }
        this.recovered.delete(id)
        if (this.agents.has(id)) continue
        this.log.warn({ agent: id }, 'agent from the registry did not re-register in time: marked unreachable')
        this.unreachable.set(id, { id, hostname: hostnames.get(id) ?? '', time: now })
        this.options.onAgentUnreachable?.(id, hostnames.get(id) ?? '', now)
      }
      // A timer may fire a millisecond before Date.now() reaches the deadline: check again then.
      if (next !== Infinity) {
        this.recoveryTimer = setTimeout(check, Math.max(1, next - now))
        this.recoveryTimer.unref()
      }
    }
    this.recoveryTimer = setTimeout(check, Math.max(0, deadlineMs - Date.now()))
    this.recoveryTimer.unref()
  }

  private unreachableTime(ms: number | undefined): { nanoseconds: number } | undefined {
    return ms === undefined ? undefined : { nanoseconds: ms * 1e6 }
  }

  /** True when `agentId` (or, when undefined, any recovered agent) may still re-register. */
  private mayStillReregister(agentId: string | undefined): boolean {
    const now = Date.now()
    const pending = (id: string) => (this.recovered.get(id) ?? 0) > now && !this.agents.get(id)?.link
    return agentId ? pending(agentId) : [...this.recovered.keys()].some(pending)
  }

  private statusToFramework(fw: FrameworkEntry, status: TaskStatus): void {
    this.send(fw, { type: 'UPDATE', update: { status: { timestamp: Date.now() / 1000, ...status } } })
  }

  private taskKey(frameworkId: string, taskId: string): string {
    return `${frameworkId}/${taskId}`
  }

  // ---------------------------------------------------------------- agents (our own link)

  /**
   * An agent (re-)registers on its link stream. A known agent id keeps its id and tasks; tasks it
   * reports are adopted (e.g. after a master restart). An agent that was marked unreachable is
   * re-admitted as Mesos does (§4.3): the frameworks that are not partition-aware were told
   * TASK_LOST, so their tasks there are shut down; the tasks of partition-aware frameworks come
   * back, and those frameworks get an update with the task's state again (REASON_AGENT_REREGISTERED).
   */
  registerAgent(call: agentMsg.Call, sink: EventStream, contentType: ContentType): string {
    const reg = call.register!
    const requested = call.agent_id?.value
    let agent = requested ? this.agents.get(requested) : undefined
    const known = !!agent
    const wasUnreachable = requested ? this.unreachable.get(requested) : undefined
    if (wasUnreachable) this.unreachable.delete(wasUnreachable.id)
    if (agent) {
      agent.link?.sink.close()
      agent.info = { ...reg.agent_info, id: { value: agent.id } }
      // This master's view of the reservations and volumes wins over the agent's (it may have missed a CHECKPOINT_RESOURCES).
      this.setAgentResources(agent, reg.agent_info.resources ?? [], agent.checkpointed)
      this.log.info({ agent: agent.id, host: agent.info.hostname }, 'agent re-registered')
    } else {
      const id = requested ?? this.ids.agent()
      agent = {
        id,
        info: { ...reg.agent_info, id: { value: id } },
        total: [],
        checkpointed: [],
        executors: new Map(),
        registeredAt: Date.now(),
      }
      // After a master restart or failover the agent's checkpoint is the source of its reservations and
      // volumes; an agent that lost its checkpoint gets the registry's copy back (HA).
      let checkpointed = reg.checkpointed_resources ?? []
      const registered = this.registryResources.get(id) ?? []
      if (checkpointed.length === 0 && registered.length > 0) {
        this.log.warn(
          { agent: id, resources: registered.length },
          'agent reported no reservations or volumes: restored them from the registry',
        )
        checkpointed = registered
      }
      this.setAgentResources(agent, reg.agent_info.resources ?? [], checkpointed)
      this.agents.set(id, agent)
      const how = wasUnreachable
        ? 'agent re-registered after being unreachable'
        : requested
          ? 'agent re-registered after a master restart'
          : 'agent registered'
      this.log.info(
        {
          agent: id,
          host: agent.info.hostname,
          resources: reg.agent_info.resources?.length ?? 0,
          unreachableForMs: wasUnreachable ? Date.now() - wasUnreachable.time : undefined,
        },
        how,
      )
    }
    const frameworkOf = (task: TaskInfo) => task.executor?.framework_id?.value ?? reg.framework_ids?.[0]?.value
    // Frameworks that are not partition-aware lost their tasks here when the agent became unreachable.
    const shutdown = new Set<string>()
    if (wasUnreachable) {
      for (const task of reg.tasks ?? []) {
        const fwId = frameworkOf(task)
        const fw = fwId ? this.frameworks.get(fwId) : undefined
        if (fw && !this.partitionAware(fw)) shutdown.add(fw.id)
      }
    }
    // Adopt the tasks the agent still runs; the ones it no longer has are lost (e.g. an agent restarted
    // without a checkpoint), and the framework is told, as Mesos's re-registration reconciliation does.
    const reported = new Map((reg.tasks ?? []).map((t) => [t.task_id.value, t]))
    for (const [key, t] of this.tasks) {
      if (t.agentId !== agent.id || reported.has(t.info.task_id.value) || t.state === 'TASK_STAGING') continue
      this.tasks.delete(key)
      const fw = this.frameworks.get(t.frameworkId)
      if (fw) {
        this.statusToFramework(fw, {
          task_id: t.info.task_id,
          state: this.partitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST',
          reason: 'REASON_RECONCILIATION',
          source: 'SOURCE_MASTER',
          agent_id: { value: agent.id },
          message: 'Reconciliation: task unknown to the agent when it re-registered',
        })
      }
    }
    const back: TaskEntry[] = []
    for (const task of reg.tasks ?? []) {
      const fwId = frameworkOf(task)
      if (!fwId || shutdown.has(fwId)) continue
      const key = this.taskKey(fwId, task.task_id.value)
      const known = this.tasks.get(key)
      if (!known)
        this.tasks.set(key, {
          frameworkId: fwId,
          agentId: agent.id,
          info: task,
          state: 'TASK_RUNNING',
          resources: task.resources ?? [],
        })
      else if (known.unreachableSince !== undefined) {
        known.state = known.stateBefore ?? 'TASK_RUNNING'
        known.unreachableSince = undefined
        known.stateBefore = undefined
        back.push(known)
      }
      if (task.executor)
        agent.executors.set(`${fwId}/${task.executor.executor_id.value}`, task.executor.resources ?? [])
    }
    this.recovered.delete(agent.id)
    this.options.onAgentAdmitted?.(agent.id, agent.info.hostname, agent.checkpointed)
    const target = agent
    agent.link = { sink, contentType }
    sink.onClose(() => {
      if (target.link?.sink === sink) this.agentDisconnected(target)
    })
    this.sendAgent(agent, {
      type: 'REGISTERED',
      registered: {
        agent_id: { value: agent.id },
        master_id: this.ids.masterId,
        total_ping_timeout_seconds: this.health.totalTimeoutSeconds,
      },
    })
    if (agent.checkpointed.length > 0 || (reg.checkpointed_resources ?? []).length > 0)
      this.sendAgent(agent, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.checkpointed } })
    for (const fwId of shutdown) {
      this.log.info(
        { agent: agent.id, framework: fwId },
        'shutting down a framework at a re-registered agent: the framework is not partition-aware',
      )
      this.sendAgent(agent, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: fwId } } })
    }
    for (const t of back) {
      const fw = this.frameworks.get(t.frameworkId)
      if (fw)
        this.statusToFramework(fw, {
          task_id: t.info.task_id,
          state: t.state,
          reason: 'REASON_AGENT_REREGISTERED',
          source: 'SOURCE_MASTER',
          agent_id: { value: agent.id },
          executor_id: t.info.executor?.executor_id,
          data: t.status?.data,
          message: `Agent ${agent.info.hostname} reregistered`,
        })
    }
    this.health.watch(agent.id)
    if (!known && this.operatorEvents.size > 0) {
      const view = this.operatorView().agents.find((a) => a.agent_info.id.value === target.id)
      if (view) this.operatorEvents.send({ type: 'AGENT_ADDED', agent_added: { agent: view } })
    }
    this.sendInverseOffers(agent)
    this.scheduleAllocation()
    return agent.id
  }

  /**
   * Refuses the registration of an agent on a machine that is DOWN for maintenance (call it before
   * opening the agent's event stream).
   * @throws CallError 403 naming the machine
   */
  checkAgentMayRegister(call: agentMsg.Call): void {
    const host = call.register?.agent_info.hostname
    if (host && this.maintenance.modeOf(host) === 'DOWN')
      throw new CallError(
        403,
        `Agent ${host} is on a machine in maintenance (DOWN); it may register after STOP_MAINTENANCE`,
      )
  }

  /** Sends the agent its reservations and volumes to checkpoint, and records them in the registry (HA). */
  private checkpointAgent(agent: AgentEntry): void {
    this.sendAgent(agent, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.checkpointed } })
    this.options.onAgentAdmitted?.(agent.id, agent.info.hostname, agent.checkpointed)
  }

  /** An agent's total: its `--resources` with its dynamic reservations and persistent volumes applied. */
  private setAgentResources(agent: AgentEntry, staticResources: Resource[], checkpointed: Resource[]): void {
    const { total, skipped } = ops.applyCheckpointed(staticResources, checkpointed)
    if (skipped.length > 0)
      this.log.warn(
        { agent: agent.id, skipped: skipped.length },
        "checkpointed reservations or volumes no longer fit the agent's --resources; dropped",
      )
    agent.total = total
    agent.checkpointed = ops.checkpointedOf(total)
  }

  /**
   * The agent's link broke. Its offers are rescinded; its tasks stay until it re-registers, or the
   * health check (which cannot reach it now) marks it unreachable.
   */
  private agentDisconnected(agent: AgentEntry): void {
    agent.link = undefined
    const h = this.health.options
    this.log.warn(
      { agent: agent.id, host: agent.info.hostname, withinMs: h.pingTimeoutMs * h.maxPingTimeouts },
      'agent disconnected; its tasks are kept until it re-registers or the health check marks it unreachable',
    )
    this.rescindAgentOffers(agent.id)
  }

  private rescindAgentOffers(agentId: string): void {
    for (const [offerId, o] of this.offers) {
      if (o.offer.agent_id.value !== agentId) continue
      const fw = this.frameworks.get(o.offer.framework_id.value)
      if (fw) {
        this.send(fw, { type: 'RESCIND', rescind: { offer_id: { value: offerId } } })
        fw.offers.delete(offerId)
      }
      this.offers.delete(offerId)
    }
  }

  /**
   * Marks an agent unreachable (Mesos `markUnreachable`, §4.3): it leaves the cluster (offers
   * rescinded, link closed, registry told); each of its tasks is reported to its framework as
   * TASK_UNREACHABLE (partition-aware frameworks: the task is kept and may come back) or TASK_LOST
   * (others: the task is forgotten), with REASON_AGENT_REMOVED and `unreachable_time`; every
   * framework gets a FAILURE event naming the agent (the v1 form of Mesos's "agent lost").
   */
  markUnreachable(agentId: string, why: string): void {
    const agent = this.agents.get(agentId)
    if (!agent) return
    const now = Date.now()
    const unreachableTime = { nanoseconds: now * 1e6 }
    this.log.warn({ agent: agent.id, host: agent.info.hostname, why }, 'agent marked unreachable')
    this.detachAgent(agent)
    this.unreachable.set(agent.id, { id: agent.id, hostname: agent.info.hostname, port: agent.info.port, time: now })
    for (const [key, t] of this.tasks) {
      if (t.agentId !== agent.id || t.unreachableSince !== undefined) continue
      const fw = this.frameworks.get(t.frameworkId)
      const aware = !!fw && this.partitionAware(fw)
      if (aware) {
        t.stateBefore = t.state
        t.state = 'TASK_UNREACHABLE'
        t.unreachableSince = now
      } else this.tasks.delete(key)
      if (fw)
        this.statusToFramework(fw, {
          task_id: t.info.task_id,
          state: aware ? 'TASK_UNREACHABLE' : 'TASK_LOST',
          reason: 'REASON_AGENT_REMOVED',
          source: 'SOURCE_MASTER',
          agent_id: { value: agent.id },
          executor_id: t.info.executor?.executor_id,
          message: `Agent ${agent.info.hostname} is unreachable`,
          unreachable_time: unreachableTime,
        })
    }
    this.announceAgentRemoved(agent)
    this.options.onAgentUnreachable?.(agent.id, agent.info.hostname, now)
    this.scheduleAllocation()
  }

  /** Link calls after REGISTER. @throws CallError 400 for an unknown agent */
  handleAgentCall(call: agentMsg.Call): void {
    const agent = call.agent_id ? this.agents.get(call.agent_id.value) : undefined
    if (!agent) throw new CallError(400, 'Agent is not registered')
    if (call.type === 'PONG') return this.health.pong(agent.id)
    if (call.type === 'STATUS_UPDATE' && call.status_update)
      return this.statusFromAgent(agent, call.status_update.framework_id.value, call.status_update.status)
    if (call.type === 'EXECUTOR_MESSAGE' && call.executor_message) {
      const m = call.executor_message
      const fw = this.frameworks.get(m.framework_id.value)
      if (fw)
        this.send(fw, {
          type: 'MESSAGE',
          message: { agent_id: { value: agent.id }, executor_id: m.executor_id, data: m.data },
        })
      return
    }
    if (call.type === 'EXITED_EXECUTOR' && call.exited_executor) {
      const e = call.exited_executor
      agent.executors.delete(`${e.framework_id.value}/${e.executor_id.value}`)
      const fw = this.frameworks.get(e.framework_id.value)
      if (fw)
        this.send(fw, {
          type: 'FAILURE',
          failure: { agent_id: { value: agent.id }, executor_id: e.executor_id, status: e.status },
        })
      this.scheduleAllocation()
      return
    }
    throw new CallError(400, `Unexpected agent call '${call.type}'`)
  }

  private statusFromAgent(agent: AgentEntry, frameworkId: string, status: TaskStatus): void {
    const key = this.taskKey(frameworkId, status.task_id.value)
    const t = this.tasks.get(key)
    if (t) {
      t.state = status.state
      t.status = status
      if (isTerminal(status.state)) {
        this.tasks.delete(key)
        this.scheduleAllocation()
      }
    }
    const fw = this.frameworks.get(frameworkId)
    this.log.info(
      {
        framework: frameworkId,
        task: status.task_id.value,
        state: status.state,
        reason: status.reason,
        message: status.message,
      },
      'status update',
    )
    if (fw) this.send(fw, { type: 'UPDATE', update: { status: { ...status, agent_id: { value: agent.id } } } })
  }

  private sendAgent(agent: AgentEntry, event: agentMsg.Event): void {
    if (!agent.link) return
    agent.link.sink.send(encode('kafka_mesos.agent.Event', event, agent.link.contentType))
  }

  // ---------------------------------------------------------------- allocation

  /** Batches allocation requests into one run on the next tick (event-driven runs, §5). */
  scheduleAllocation(): void {
    if (this.allocationTimer) return
    this.allocationTimer = setTimeout(() => {
      this.allocationTimer = undefined
      this.allocateNow()
    }, 0)
  }

  /**
   * Resources of every agent neither used (tasks, executors) nor offered, computed in one pass over
   * tasks and offers (not per agent).
   */
  private availableByAgent(): Map<string, Resource[]> {
    const used = new Map<string, Resource[][]>()
    const use = (agentId: string, r: Resource[]) => {
      let list = used.get(agentId)
      if (!list) used.set(agentId, (list = []))
      list.push(r)
    }
    for (const t of this.tasks.values()) if (!isTerminal(t.state)) use(t.agentId, t.resources)
    for (const o of this.offers.values()) use(o.offer.agent_id.value, o.resources)
    const out = new Map<string, Resource[]>()
    for (const a of this.agents.values()) {
      const list = used.get(a.id) ?? []
      for (const r of a.executors.values()) list.push(r)
      out.set(a.id, list.length === 0 ? a.total.slice() : subtractResources(a.total, list.flat()))
    }
    return out
  }

  /** cpus and mem allocated to each framework (tasks + outstanding offers), in one pass. */
  private allocatedByFramework(): Map<string, { cpus: number; mem: number }> {
    const out = new Map<string, { cpus: number; mem: number }>()
    for (const id of this.frameworks.keys()) out.set(id, { cpus: 0, mem: 0 })
    const add = (fwId: string, r: Resource[]) => {
      const a = out.get(fwId)
      if (!a) return
      a.cpus += scalarSum(r, 'cpus')
      a.mem += scalarSum(r, 'mem')
    }
    for (const t of this.tasks.values())
      if (!isTerminal(t.state) && t.unreachableSince === undefined) add(t.frameworkId, t.resources)
    for (const o of this.offers.values()) add(o.offer.framework_id.value, o.resources)
    return out
  }

  /** Runs one allocation cycle now and sends the resulting OFFERS events, batched per framework. */
  /** Told after every allocation run that had someone to offer to: its duration (s) and offers made (metrics). */
  onAllocation?: (seconds: number, offers: number) => void

  allocateNow(): void {
    const started = performance.now()
    // Nobody to offer to (e.g. while agents register): nothing to compute.
    let anyActive = false
    for (const f of this.frameworks.values()) if (f.stream && !f.suppressed) anyActive = true
    if (!anyActive) return
    const linked = [...this.agents.values()].filter((a) => a.link)
    const total = { cpus: 0, mem: 0 }
    for (const a of linked) {
      total.cpus += scalarSum(a.total, 'cpus')
      total.mem += scalarSum(a.total, 'mem')
    }
    const allocated = this.allocatedByFramework()
    const frameworks = [...this.frameworks.values()].map((fw) => ({
      id: fw.id,
      role: this.roleOf(fw),
      active: !!fw.stream && !fw.suppressed,
      allocated: allocated.get(fw.id)!,
    }))
    if (!frameworks.some((f) => f.active)) return
    const available = this.availableByAgent()
    const agents = linked.map((a) => ({ id: a.id, available: available.get(a.id)! }))
    const now = Date.now()
    let made = 0
    const grants = allocate(
      frameworks,
      agents,
      total,
      (f, a, r) => this.filters.isFiltered(f, a, r, now),
      this.weights,
      Math.random,
      this.quotas,
    )
    for (const [fwId, list] of grants) {
      const fw = this.frameworks.get(fwId)!
      // Frameworks without RESERVATION_REFINEMENT see reservations in the pre-refinement format (§1.6).
      const refinement = (fw.info.capabilities ?? []).some((c) => c.type === 'RESERVATION_REFINEMENT')
      const offers: Offer[] = list.map(({ agentId, resources }) => {
        const agent = this.agents.get(agentId)!
        const offer: Offer = {
          id: { value: this.ids.offer() },
          framework_id: { value: fwId },
          agent_id: { value: agentId },
          hostname: agent.info.hostname,
          url: {
            scheme: 'http',
            address: { hostname: agent.info.hostname, ip: agent.info.hostname, port: agent.info.port ?? 5051 },
            path: '/slave(1)',
          },
          resources:
            refinement || !resources.some((r) => r.reservations?.length) ? resources : resources.map(toPreRefinement),
          attributes: agent.info.attributes ?? [],
          executor_ids: [...agent.executors.keys()]
            .filter((k) => k.startsWith(`${fwId}/`))
            .map((k) => ({ value: k.slice(fwId.length + 1) })),
        }
        const draining = this.maintenance.machineOf(agent.info.hostname)
        if (draining) offer.unavailability = draining.unavailability
        this.offers.set(offer.id.value, { offer, resources })
        fw.offers.add(offer.id.value)
        return offer
      })
      this.log.debug({ framework: fwId, offers: offers.length }, 'sending offers')
      this.send(fw, { type: 'OFFERS', offers: { offers } })
      made += offers.length
    }
    this.onAllocation?.((performance.now() - started) / 1000, made)
  }

  // ---------------------------------------------------------------- maintenance

  /** GET_MAINTENANCE_SCHEDULE */
  maintenanceSchedule(): Schedule {
    return this.maintenance.getSchedule()
  }

  /** GET_MAINTENANCE_STATUS */
  maintenanceStatus(): ClusterStatus {
    return this.maintenance.status()
  }

  /**
   * UPDATE_MAINTENANCE_SCHEDULE: replaces the schedule. Agents on machines that start draining get
   * their outstanding offers rescinded (they come back with `unavailability`) and their frameworks
   * an inverse offer; inverse offers for machines taken off the schedule are rescinded.
   * @throws CallError 400 naming the machine and the rule broken
   */
  updateMaintenanceSchedule(schedule: unknown): void {
    const { draining, up } = this.asCallError(() => this.maintenance.updateSchedule(schedule))
    this.log.info({ draining: draining.length, up: up.length }, 'maintenance schedule updated')
    for (const agent of this.agents.values()) {
      const mode = this.maintenance.modeOf(agent.info.hostname)
      if (mode === 'DRAINING') {
        this.rescindAgentOffers(agent.id)
        this.sendInverseOffers(agent)
      } else this.rescindInverseOffers(agent.id)
    }
    this.maintenanceChanged()
  }

  /**
   * START_MAINTENANCE: the machines go DOWN. Their agents are removed as Mesos does for machines in
   * maintenance: each task there is reported TASK_GONE_BY_OPERATOR (partition-aware frameworks) or
   * TASK_LOST, REASON_AGENT_REMOVED_BY_OPERATOR; the agent is told to shut its frameworks down and
   * may not register until STOP_MAINTENANCE.
   * @throws CallError 400 for a machine that is not scheduled or already DOWN
   */
  startMaintenance(machines: unknown): void {
    this.asCallError(() => this.maintenance.start(machines))
    for (const agent of [...this.agents.values()])
      if (this.maintenance.modeOf(agent.info.hostname) === 'DOWN') this.removeAgentForMaintenance(agent)
    this.maintenanceChanged()
  }

  /** STOP_MAINTENANCE: the machines are UP and off the schedule. @throws CallError 400 for a machine that is not DOWN */
  stopMaintenance(machines: unknown): void {
    const up = this.asCallError(() => this.maintenance.stop(machines))
    this.log.info({ machines: up }, 'maintenance stopped: machines are UP and may register agents again')
    this.maintenanceChanged()
  }

  /** Restores the registry's maintenance record after an HA election. */
  recoverMaintenance(record: MaintenanceRecord): void {
    this.maintenance.restore(record)
    this.log.info(
      { windows: record.schedule.windows.length, down: record.down.length },
      'recovered the maintenance schedule from the registry',
    )
  }

  private asCallError<T>(f: () => T): T {
    try {
      return f()
    } catch (e) {
      if (e instanceof MaintenanceError) throw new CallError(400, `Failed to validate master::Call: ${e.message}`)
      throw e
    }
  }

  private maintenanceChanged(): void {
    void this.options.onMaintenanceUpdated?.(this.maintenance.record())
    this.scheduleAllocation()
  }

  private removeAgentForMaintenance(agent: AgentEntry): void {
    this.log.warn({ agent: agent.id, host: agent.info.hostname }, 'agent removed: its machine is DOWN for maintenance')
    this.rescindInverseOffers(agent.id)
    const tasks = [...this.tasks].filter(([, t]) => t.agentId === agent.id)
    for (const fwId of new Set(tasks.map(([, t]) => t.frameworkId)))
      this.sendAgent(agent, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: fwId } } })
    this.detachAgent(agent)
    for (const [key, t] of tasks) {
      this.tasks.delete(key)
      const fw = this.frameworks.get(t.frameworkId)
      if (fw)
        this.statusToFramework(fw, {
          task_id: t.info.task_id,
          state: this.partitionAware(fw) ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST',
          reason: 'REASON_AGENT_REMOVED_BY_OPERATOR',
          source: 'SOURCE_MASTER',
          agent_id: { value: agent.id },
          executor_id: t.info.executor?.executor_id,
          message: `Agent ${agent.info.hostname} is down for maintenance`,
        })
    }
    this.announceAgentRemoved(agent)
  }

  /** Takes an agent out of the cluster: no more health checks, offers or filters; its link is closed. */
  private detachAgent(agent: AgentEntry): void {
    this.health.unwatch(agent.id)
    this.rescindAgentOffers(agent.id)
    this.agents.delete(agent.id)
    this.filters.clearAgent(agent.id)
    const link = agent.link
    agent.link = undefined
    link?.sink.close()
  }

  /** Tells every framework (FAILURE naming the agent, the v1 "agent lost") and the operator stream (AGENT_REMOVED). */
  private announceAgentRemoved(agent: AgentEntry): void {
    for (const fw of this.frameworks.values())
      this.send(fw, { type: 'FAILURE', failure: { agent_id: { value: agent.id } } })
    this.operatorEvents.send({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: agent.id } } })
  }

  /** Sends an inverse offer for `agent` to each framework running something there, if its machine is draining and it has none yet. */
  private sendInverseOffers(agent: AgentEntry): void {
    const machine = this.maintenance.machineOf(agent.info.hostname)
    if (!machine || this.maintenance.modeOf(agent.info.hostname) !== 'DRAINING') return
    const users = new Set<string>()
    for (const t of this.tasks.values()) if (t.agentId === agent.id && !isTerminal(t.state)) users.add(t.frameworkId)
    for (const k of agent.executors.keys()) users.add(k.slice(0, k.indexOf('/')))
    for (const fwId of users) {
      if ([...this.inverseOffers.values()].some((o) => o.agentId === agent.id && o.frameworkId === fwId)) continue
      const fw = this.frameworks.get(fwId)
      if (!fw) continue
      const id = `${this.ids.offer()}-inverse`
      this.inverseOffers.set(id, { frameworkId: fwId, agentId: agent.id })
      this.log.info(
        { framework: fwId, agent: agent.id, host: agent.info.hostname },
        'inverse offer: the machine is scheduled for maintenance',
      )
      this.send(fw, {
        type: 'INVERSE_OFFERS',
        inverse_offers: {
          inverse_offers: [
            {
              id: { value: id },
              framework_id: { value: fwId },
              agent_id: { value: agent.id },
              unavailability: machine.unavailability,
            },
          ],
        },
      })
    }
  }

  private rescindInverseOffers(agentId: string): void {
    for (const [id, o] of this.inverseOffers) {
      if (o.agentId !== agentId) continue
      this.inverseOffers.delete(id)
      const fw = this.frameworks.get(o.frameworkId)
      if (fw)
        this.send(fw, { type: 'RESCIND_INVERSE_OFFER', rescind_inverse_offer: { inverse_offer_id: { value: id } } })
    }
  }

  /** ACCEPT_INVERSE_OFFERS / DECLINE_INVERSE_OFFERS: the answer is recorded for GET_MAINTENANCE_STATUS; unknown ids are ignored (Mesos). */
  private answerInverseOffers(
    fw: FrameworkEntry,
    ids: ReadonlyArray<{ value: string }>,
    status: 'ACCEPT' | 'DECLINE',
  ): void {
    for (const { value } of ids) {
      const o = this.inverseOffers.get(value)
      if (!o || o.frameworkId !== fw.id) continue
      this.inverseOffers.delete(value)
      const agent = this.agents.get(o.agentId)
      const machine = agent ? this.maintenance.machineOf(agent.info.hostname) : undefined
      if (machine) this.maintenance.answer(machine.id, fw.id, status)
      this.log.info({ framework: fw.id, agent: o.agentId, answer: status }, 'inverse offer answered')
    }
  }

  // ---------------------------------------------------------------- operator view

  /** Quotas as the operator API's GET_QUOTA `status.configs`. */
  getQuota(): Array<ReturnType<typeof quotaJson>> {
    return [...this.quotas].sort(([a], [b]) => a.localeCompare(b)).map(([role, q]) => quotaJson(role, q))
  }

  /**
   * UPDATE_QUOTA (all or nothing). Without `force`: the sum of all guarantees must fit the cluster's
   * cpus and mem, and a limit may not be below what the role's tasks use now. A config with neither
   * guarantees nor limits removes the role's quota. Outstanding offers of the roles are rescinded.
   * @throws CallError 400 naming the role and resource
   */
  updateQuota(configs: ReadonlyMap<string, RoleQuota>, force: boolean): void {
    const next = new Map(this.quotas)
    for (const [role, q] of configs) {
      if (Object.keys(q.guarantees).length === 0 && Object.keys(q.limits).length === 0) next.delete(role)
      else next.set(role, q)
    }
    if (!force) {
      const total = { cpus: 0, mem: 0 }
      for (const a of this.agents.values()) {
        total.cpus += scalarSum(a.total, 'cpus')
        total.mem += scalarSum(a.total, 'mem')
      }
      for (const n of ['cpus', 'mem'] as const) {
        const sum = [...next.values()].reduce((s, q) => s + (q.guarantees[n] ?? 0), 0)
        if (sum > total[n] + 1e-9)
          throw new CallError(
            400,
            `Failed to validate master::Call: the quota guarantees for ${n} add up to ${sum}, more than the cluster's ${total[n]}; use 'force' to set them anyway`,
          )
      }
      // what tasks use (outstanding offers do not count: they are rescinded below)
      const used = new Map(this.roles().map((r) => [r.name, r.allocated]))
      for (const [role, q] of configs) {
        for (const n of ['cpus', 'mem'] as const) {
          const limit = q.limits[n]
          const now = scalarSum(
            [...used].filter(([name]) => name === role || name.startsWith(`${role}/`)).flatMap(([, r]) => r),
            n,
          )
          if (limit !== undefined && now > limit + 1e-9)
            throw new CallError(
              400,
              `Failed to validate master::Call: role '${role}' already uses ${now} ${n}, more than the limit ${limit}; use 'force' to set it anyway`,
            )
        }
      }
    }
    this.quotas.clear()
    for (const [role, q] of next) this.quotas.set(role, q)
    for (const fw of this.frameworks.values()) {
      const role = this.roleOf(fw)
      if ([...configs.keys()].some((r) => role === r || role.startsWith(`${r}/`))) this.recoverFrameworkOffers(fw, true)
    }
    this.log.info({ quotas: this.getQuota() }, 'quotas updated')
    void this.options.onQuotasUpdated?.(this.getQuota())
    this.scheduleAllocation()
  }

  /** Quotas read back from the HA registry after an election (operator JSON shape); bad entries are skipped. */
  recoverQuotas(configs: unknown[]): void {
    for (const c of configs) {
      try {
        for (const [role, q] of parseQuotaConfigs([c])) this.quotas.set(role, q)
      } catch (e) {
        this.log.warn({ err: (e as Error).message }, 'skipped an unreadable quota from the registry')
      }
    }
    this.log.info({ quotas: this.getQuota() }, 'recovered role quotas from the registry')
  }

  /** Role weights set by `--weights` or UPDATE_WEIGHTS (roles not listed weigh 1). */
  getWeights(): Array<{ role: string; weight: number }> {
    return [...this.weights].map(([role, weight]) => ({ role, weight })).sort((a, b) => a.role.localeCompare(b.role))
  }

  /**
   * UPDATE_WEIGHTS: all or nothing; each weight must be a number above 0 and each role a valid role
   * name. Triggers an allocation run.
   * @throws CallError 400 naming the bad entry
   */
  updateWeights(infos: ReadonlyArray<{ role?: string; weight?: number }>): void {
    const next = new Map<string, number>()
    for (const info of infos) {
      const role = info.role
      if (role === undefined)
        throw new CallError(400, "Failed to validate master::Call: 'weight_infos' entry is missing 'role'")
      const problem = validateRoleName(role)
      if (problem) throw new CallError(400, `Failed to validate master::Call: ${problem}`)
      const w = info.weight
      if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0)
        throw new CallError(
          400,
          `Failed to validate master::Call: weight of role '${role}' must be a number above 0, got ${JSON.stringify(w)}`,
        )
      next.set(role, w)
    }
    for (const [role, w] of next) this.weights.set(role, w)
    this.log.info({ weights: Object.fromEntries(next) }, 'role weights updated')
    void this.options.onWeightsUpdated?.(this.getWeights())
    this.scheduleAllocation()
  }

  /** Weights read back from the HA registry after an election; they replace `--weights` role by role. */
  recoverWeights(weights: ReadonlyArray<{ role: string; weight: number }>): void {
    for (const { role, weight } of weights)
      if (validateRoleName(role) === undefined && weight > 0) this.weights.set(role, weight)
    this.log.info({ weights: Object.fromEntries(this.weights) }, 'recovered role weights from the registry')
    this.scheduleAllocation()
  }

  /**
   * Known roles as Mesos GET_ROLES: roles of frameworks, roles with a weight, roles with static
   * reservations on agents; each with its weight, frameworks and allocated/offered/reserved resources.
   */
  roles(): Array<{
    name: string
    weight: number
    frameworks: Array<{ value: string }>
    resources: Resource[]
    allocated: Resource[]
    offered: Resource[]
    reserved: Resource[]
  }> {
    const names = new Set<string>(this.weights.keys())
    for (const f of this.frameworks.values()) names.add(this.roleOf(f))
    const reserved = new Map<string, Resource[]>()
    for (const a of this.agents.values()) {
      for (const r of a.total) {
        const role = resourceRole(r)
        if (role === '*') continue
        names.add(role)
        reserved.set(role, addResources(reserved.get(role) ?? [], [r]))
      }
    }
    const allocated = new Map<string, Resource[]>()
    const offered = new Map<string, Resource[]>()
    for (const t of this.tasks.values()) {
      const f = this.frameworks.get(t.frameworkId)
      if (!f || isTerminal(t.state)) continue
      const role = this.roleOf(f)
      allocated.set(role, addResources(allocated.get(role) ?? [], t.resources))
    }
    for (const o of this.offers.values()) {
      const f = this.frameworks.get(o.offer.framework_id.value)
      if (!f) continue
      const role = this.roleOf(f)
      offered.set(role, addResources(offered.get(role) ?? [], o.resources))
    }
    return [...names].sort().map((name) => {
      const alloc = allocated.get(name) ?? []
      const off = offered.get(name) ?? []
      return {
        name,
        weight: this.weights.get(name) ?? 1,
        frameworks: [...this.frameworks.values()].filter((f) => this.roleOf(f) === name).map((f) => ({ value: f.id })),
        resources: addResources(alloc, off),
        allocated: alloc,
        offered: off,
        reserved: reserved.get(name) ?? [],
      }
    })
  }

  /** Agents, frameworks and tasks in the shapes of the v1 operator API (GET_AGENTS/FRAMEWORKS/TASKS). */
  operatorView() {
    const ns = (ms: number) => ({ nanoseconds: Math.round(ms * 1e6) })
    const available = this.availableByAgent()
    const offeredBy = new Map<string, Resource[]>()
    for (const o of this.offers.values())
      offeredBy.set(o.offer.agent_id.value, addResources(offeredBy.get(o.offer.agent_id.value) ?? [], o.resources))
    return {
      agents: [...this.agents.values()].map((a) => {
        const offered = offeredBy.get(a.id) ?? []
        return {
          agent_info: { ...a.info, id: { value: a.id } },
          active: !!a.link,
          version: '1.11.0',
          registered_time: ns(a.registeredAt),
          total_resources: a.total,
          allocated_resources: subtractResources(subtractResources(a.total, available.get(a.id) ?? []), offered),
          offered_resources: offered,
        }
      }),
      frameworks: [...this.frameworks.values()].map((f) => ({
        framework_info: f.info,
        active: !!f.stream && !f.suppressed,
        connected: !!f.stream,
        recovered: false,
        registered_time: ns(f.registeredAt),
        offers: [...f.offers].map((id) => this.offers.get(id)?.offer).filter((o): o is Offer => !!o),
      })),
      /** agents marked unreachable (not in Mesos's GET_AGENTS; its /state has the count) */
      unreachable_agents: this.unreachableAgents().map((u) => ({
        agent_id: { value: u.id },
        hostname: u.hostname,
        port: u.port,
        unreachable_time: ns(u.time),
      })),
      tasks: [...this.tasks.values()].map((t) => ({
        name: t.info.name,
        task_id: t.info.task_id,
        framework_id: { value: t.frameworkId },
        executor_id: t.info.executor?.executor_id,
        agent_id: { value: t.agentId },
        state: t.state,
        resources: t.resources,
        statuses: t.status ? [t.status] : [],
      })),
    }
  }

  /** Agents marked unreachable that have not come back, oldest first. */
  unreachableAgents(): UnreachableAgent[] {
    return [...this.unreachable.values()].sort((a, b) => a.time - b.time)
  }

  /** A snapshot like Mesos `/master/state` (subset): agents, frameworks, tasks, offers, unreachable agents. */
  state() {
    const available = this.availableByAgent()
    return {
      id: this.ids.masterId,
      hostname: this.options.host,
      port: this.options.port,
      version: '1.11.0',
      agents: [...this.agents.values()].map((a) => ({
        id: a.id,
        hostname: a.info.hostname,
        port: a.info.port,
        active: !!a.link,
        resources: a.total,
        available: available.get(a.id) ?? [],
        attributes: a.info.attributes ?? [],
        registered_time: a.registeredAt / 1000,
      })),
      frameworks: [...this.frameworks.values()].map((f) => ({
        id: f.id,
        name: f.info.name,
        role: this.roleOf(f),
        active: !!f.stream && !f.suppressed,
        connected: !!f.stream,
        suppressed: f.suppressed,
        offers: [...f.offers],
        failover_timeout: f.info.failover_timeout ?? 0,
        registered_time: f.registeredAt / 1000,
      })),
      unreachable_agents: this.unreachableAgents().map((u) => ({
        id: u.id,
        hostname: u.hostname,
        port: u.port,
        unreachable_time: u.time / 1000,
      })),
      tasks: [...this.tasks.values()].map((t) => ({
        id: t.info.task_id.value,
        name: t.info.name,
        framework_id: t.frameworkId,
        agent_id: t.agentId,
        state: t.state,
        resources: t.resources,
      })),
    }
  }
}
