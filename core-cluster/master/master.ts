/** The master: its registries wired together, the dispatch of scheduler and agent-link calls, and the allocation loop. */

/**
 * The master registers agents, offers their resources to frameworks (DRF, refuse filters,
 * suppress/revive), routes task launches, kills, status updates, acknowledgements and framework
 * messages. Call semantics as the Mesos v1 scheduler API (`docs/scheduler-http-api.md`,
 * `include/mesos/v1/scheduler/scheduler.proto`); the agent link is our own
 * (`core-cluster/proto/agent.proto`). Each concern has its module, as Mesos splits its master
 * (`docs/master.md` in this repository has the map):
 * - ./frameworks.ts: the framework registry (subscribe, failover, update, teardown);
 * - ./offers.ts: outstanding offers and refuse filters;
 * - ./accept.ts with ./validation.ts: ACCEPT's operations and the pure call checks;
 * - ./agents.ts: the agent registry (registration, health, unreachable agents, recovery);
 * - ./tasks.ts and ./reconciliation.ts: the tasks and RECONCILE's answers;
 * - ./maintenance-handler.ts, ./quota.ts, ./weights.ts, ./operator-resources.ts: the operator's calls;
 * - ./views.ts: the read views; ./allocator/: one allocation run.
 * This class keeps what ties them together: the dispatch of calls and the allocation loop.
 */

import type { Logger } from 'pino'
import type { EventStream } from '../http/index.js'
import {
  type agent as agentMsg,
  type ContentType,
  isTerminal,
  type MasterInfo,
  type Offer,
  type Resource,
  type scheduler,
  type TaskInfo,
  type TaskStatus,
} from '../proto/index.js'
import { AcceptHandler } from './accept.js'
import { AGENT_HEALTH_DEFAULTS } from './agent-health.js'
import { type AgentEntry, AgentRegistry, type UnreachableAgent } from './agents.js'
import { allocate, type RoleQuota } from './allocator/index.js'
import { CallError } from './errors.js'
import { type FrameworkEntry, Frameworks, hasCapability, partitionAware, roleOf } from './frameworks.js'
import { IdMinter, ipv4ToUint32, MESOS_VERSION } from './ids.js'
import type { ClusterStatus, MaintenanceRecord, Schedule } from './maintenance.js'
import { MaintenanceHandler } from './maintenance-handler.js'
import { Offers } from './offers.js'
import type { ResourceOperation } from './operations.js'
import { OperatorEvents } from './operator-events.js'
import { operatorResources } from './operator-resources.js'
import { QuotaHandler, type QuotaJson } from './quota.js'
import { type ReconcileItem, reconcile } from './reconciliation.js'
import { Tasks } from './tasks.js'
import { allocatedByFramework, availableByAgent, totalOf } from './usage.js'
import { validateAcknowledgeUuid, validateRegistration } from './validation.js'
import { ReadViews, type RoleView } from './views.js'
import { type WeightInfo, WeightsHandler } from './weights.js'

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
  onQuotasUpdated?: (quotas: QuotaJson[]) => void | Promise<void>
  /** Role weights for DRF (Mesos `--weights kafka=3,web=1`); roles not listed weigh 1. */
  weights?: ReadonlyMap<string, number>
  /** called after UPDATE_WEIGHTS with every weight (HA masters store them in the registry) */
  onWeightsUpdated?: (weights: WeightInfo[]) => void | Promise<void>
  logger: Logger
  /** Registry hook (HA): called when an agent (re-)registers or its reservations and volumes change, to record it durably. */
  onAgentAdmitted?: (agentId: string, hostname: string, checkpointed: Resource[]) => void
  /** Registry hook (HA): called when an agent is marked unreachable (epoch ms). */
  onAgentUnreachable?: (agentId: string, hostname: string, timeMs: number) => void
  /** Registry hook (HA): called after every change of the maintenance schedule or machine modes. */
  onMaintenanceUpdated?: (record: MaintenanceRecord) => void | Promise<void>
}

/** The master (see the module comment): the HTTP face (./server.ts) calls its public methods. */
export class Master {
  readonly ids = new IdMinter()
  /** the v1 operator API's event stream (SUBSCRIBE on /api/v1) */
  readonly operatorEvents = new OperatorEvents()
  /** Told after every allocation run that had someone to offer to: its duration (s) and offers made (metrics). */
  onAllocation?: (seconds: number, offers: number) => void

  private readonly tasks = new Tasks()
  private readonly offers: Offers
  private readonly frameworks: Frameworks
  private readonly agents: AgentRegistry
  private readonly maintenance: MaintenanceHandler
  private readonly weights: WeightsHandler
  private readonly quota: QuotaHandler
  private readonly views: ReadViews
  private readonly acceptor: AcceptHandler
  private readonly log: Logger
  private readonly allocationIntervalMs: number
  private allocationTimer?: NodeJS.Timeout
  private periodic?: NodeJS.Timeout

  constructor(private readonly options: MasterOptions) {
    const log = options.logger
    const scheduleAllocation = () => this.scheduleAllocation()
    this.log = log
    this.allocationIntervalMs = options.allocationIntervalMs ?? 1000
    this.offers = new Offers({
      mintId: () => this.ids.offer(),
      send: (frameworkId, event) => {
        const fw = this.frameworks.get(frameworkId)
        if (fw) this.frameworks.send(fw, event)
      },
      released: scheduleAllocation,
      allocationIntervalMs: this.allocationIntervalMs,
    })
    this.frameworks = new Frameworks({
      heartbeatSeconds: options.heartbeatIntervalSeconds ?? 15,
      masterInfo: () => this.masterInfo,
      mintId: () => this.ids.framework(),
      offers: this.offers,
      onRemoved: (frameworkId) => {
        this.agents.shutdownFramework(frameworkId)
        this.tasks.removeFramework(frameworkId)
        this.maintenance.forgetFramework(frameworkId)
      },
      scheduleAllocation,
      log,
    })
    this.agents = new AgentRegistry({
      ids: this.ids,
      log,
      health: {
        pingTimeoutMs: options.agentPingTimeoutMs ?? AGENT_HEALTH_DEFAULTS.pingTimeoutMs,
        maxPingTimeouts: options.maxAgentPingTimeouts ?? AGENT_HEALTH_DEFAULTS.maxPingTimeouts,
      },
      tasks: this.tasks,
      frameworks: this.frameworks,
      offers: this.offers,
      operatorEvents: this.operatorEvents,
      onAgentAdmitted: options.onAgentAdmitted,
      onAgentUnreachable: options.onAgentUnreachable,
      added: (agent) => this.announceAgentAdded(agent),
      admitted: (agent) => {
        this.maintenance.sendInverseOffers(agent)
        this.scheduleAllocation()
      },
      scheduleAllocation,
    })
    this.maintenance = new MaintenanceHandler({
      agents: this.agents,
      frameworks: this.frameworks,
      offers: this.offers,
      tasks: this.tasks,
      mintOfferId: () => this.ids.offer(),
      log,
      onMaintenanceUpdated: options.onMaintenanceUpdated,
      scheduleAllocation,
    })
    this.weights = new WeightsHandler(options.weights, {
      log,
      onWeightsUpdated: options.onWeightsUpdated,
      scheduleAllocation,
    })
    this.views = new ReadViews({
      master: () => ({ id: this.ids.masterId, host: options.host, port: options.port }),
      agents: this.agents,
      frameworks: this.frameworks,
      tasks: this.tasks,
      offers: this.offers,
      weights: this.weights.byRole,
    })
    this.quota = new QuotaHandler({
      agents: this.agents,
      roles: () => this.views.roles(),
      frameworks: this.frameworks,
      offers: this.offers,
      log,
      onQuotasUpdated: options.onQuotasUpdated,
      scheduleAllocation,
    })
    this.acceptor = new AcceptHandler({
      frameworks: this.frameworks,
      agents: this.agents,
      tasks: this.tasks,
      offers: this.offers,
      log,
      scheduleAllocation,
    })
    // Periodic allocation, as Mesos's --allocation_interval (filters expire, resources freed).
    this.periodic = setInterval(() => this.allocateNow(), this.allocationIntervalMs)
    this.periodic.unref()
  }

  stop(): void {
    if (this.periodic) clearInterval(this.periodic)
    if (this.allocationTimer) clearTimeout(this.allocationTimer)
    this.frameworks.stop()
    this.operatorEvents.stop()
    this.agents.stop()
  }

  get masterInfo(): MasterInfo & { id: string } {
    const { host, port } = this.options
    return {
      id: this.ids.masterId,
      ip: ipv4ToUint32(host),
      port,
      hostname: host,
      version: MESOS_VERSION,
      address: { hostname: host, ip: host, port },
    }
  }

  // ---------------------------------------------------------------- frameworks (v1 scheduler API)

  /**
   * SUBSCRIBE: registers a new framework or fails over an existing one (./frameworks.ts).
   * @returns the stream id
   * @throws CallError 400 when `framework_id` and `framework_info.id` disagree, or the roles are invalid
   */
  subscribe(call: scheduler.Call, sink: EventStream, contentType: ContentType, streamId?: string): string {
    return this.frameworks.subscribe(call, sink, contentType, streamId)
  }

  /**
   * Checks a non-SUBSCRIBE call's framework and stream id, in Mesos's order.
   * @throws CallError 400 unknown framework or wrong stream id, 403 not subscribed
   */
  authorize(call: scheduler.Call, streamId: string | undefined): FrameworkEntry {
    return this.frameworks.authorize(call, streamId)
  }

  /**
   * Handles every non-SUBSCRIBE call. Answers are asynchronous (202) as Mesos, but UPDATE_FRAMEWORK.
   * @throws CallError for validation failures and unknown call types (400)
   */
  handleCall(fw: FrameworkEntry, call: scheduler.Call): void {
    switch (call.type) {
      case 'ACCEPT':
        return this.acceptor.accept(fw, call.accept ?? {})
      case 'DECLINE':
        return this.offers.decline(fw.id, call.decline?.offer_ids ?? [], call.decline?.filters?.refuse_seconds)
      case 'REVIVE':
        return this.frameworks.revive(fw)
      case 'SUPPRESS':
        return this.frameworks.suppress(fw)
      case 'KILL':
        if (!call.kill) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'kill' to be present")
        return this.kill(fw, call.kill.task_id.value, call.kill.kill_policy)
      case 'ACKNOWLEDGE':
        return this.acknowledge(fw, call.acknowledge)
      case 'RECONCILE':
        return this.reconcile(fw, call.reconcile?.tasks ?? [])
      case 'MESSAGE':
        return this.frameworkMessage(fw, call.message)
      case 'SHUTDOWN':
        return this.shutdownExecutor(fw, call.shutdown)
      case 'TEARDOWN':
        return this.frameworks.remove(fw, 'TEARDOWN')
      case 'ACCEPT_INVERSE_OFFERS':
        return this.maintenance.answerInverseOffers(fw, call.accept_inverse_offers?.inverse_offer_ids ?? [], 'ACCEPT')
      case 'DECLINE_INVERSE_OFFERS':
        return this.maintenance.answerInverseOffers(fw, call.decline_inverse_offers?.inverse_offer_ids ?? [], 'DECLINE')
      case 'REQUEST':
      case 'ACKNOWLEDGE_OPERATION_STATUS':
      case 'RECONCILE_OPERATIONS':
        return
      case 'UPDATE_FRAMEWORK':
        if (!call.update_framework)
          throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'update_framework' to be present")
        return this.frameworks.update(fw, call.update_framework)
      default:
        // Never a 5xx for a request the client got wrong (issue 4): an unknown type is a bad request.
        throw new CallError(
          400,
          `Failed to validate scheduler::Call: unknown or unsupported call type '${call.type ?? 'UNKNOWN'}'`,
        )
    }
  }

  /** KILL: the agent kills the task; an unknown task is answered as explicit reconciliation does. */
  private kill(fw: FrameworkEntry, taskId: string, killPolicy?: TaskInfo['kill_policy']): void {
    const t = this.tasks.get(fw.id, taskId)
    if (!t) return this.reconcile(fw, [{ task_id: { value: taskId } }])
    const agent = this.agents.get(t.agentId)
    if (agent)
      this.agents.send(agent, {
        type: 'KILL_TASK',
        kill_task: { framework_id: { value: fw.id }, task_id: { value: taskId }, kill_policy: killPolicy },
      })
  }

  /** ACKNOWLEDGE: passed on to the agent, whose status-update manager then sends the task's next update. */
  private acknowledge(fw: FrameworkEntry, ack: scheduler.Call['acknowledge']): void {
    if (!ack) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'acknowledge' to be present")
    const problem = validateAcknowledgeUuid(ack.uuid)
    if (problem) throw new CallError(400, problem)
    const agent = this.agents.get(ack.agent_id.value)
    if (agent)
      this.agents.send(agent, {
        type: 'ACKNOWLEDGE',
        acknowledge: { framework_id: { value: fw.id }, task_id: ack.task_id, uuid: ack.uuid },
      })
  }

  /** RECONCILE, implicit (empty list) or explicit, answered by ./reconciliation.ts. */
  private reconcile(fw: FrameworkEntry, list: ReadonlyArray<ReconcileItem>): void {
    const { answers, unanswered } = reconcile(list, partitionAware(fw), {
      task: (taskId) => this.tasks.get(fw.id, taskId),
      tasks: () => [...this.tasks.values()].filter((t) => t.frameworkId === fw.id),
      isRegistered: (agentId) => !!this.agents.get(agentId),
      unreachableSince: (agentId) => this.agents.unreachableAgent(agentId)?.time,
      mayStillReregister: (agentId) => this.agents.mayStillReregister(agentId),
    })
    // The agent is in the registry but has not re-registered since this master was elected:
    // no reply, the scheduler must retry (docs/reconciliation.md).
    for (const item of unanswered)
      this.log.debug(
        { framework: fw.id, task: item.task_id.value, agent: item.agent_id?.value },
        'reconciliation: no reply while the agent may still re-register',
      )
    for (const status of answers) this.frameworks.sendStatus(fw, status)
  }

  /** MESSAGE: passed on to the executor through its agent (unreliable). */
  private frameworkMessage(fw: FrameworkEntry, m: scheduler.Call['message']): void {
    if (!m) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'message' to be present")
    const agent = this.agents.get(m.agent_id.value)
    if (agent)
      this.agents.send(agent, {
        type: 'FRAMEWORK_MESSAGE',
        framework_message: { framework_id: { value: fw.id }, executor_id: m.executor_id, data: m.data },
      })
  }

  /** SHUTDOWN: every task of the executor is killed. */
  private shutdownExecutor(fw: FrameworkEntry, s: scheduler.Call['shutdown']): void {
    if (!s) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'shutdown' to be present")
    for (const t of this.tasks.values()) {
      if (
        t.frameworkId === fw.id &&
        t.agentId === s.agent_id.value &&
        t.info.executor?.executor_id.value === s.executor_id.value
      )
        this.kill(fw, t.info.task_id.value)
    }
  }

  // ---------------------------------------------------------------- agents (our own link)

  /** An agent (re-)registers on its link stream (./agents.ts); `streamId` is the id its later calls must carry. @returns its id */
  registerAgent(call: agentMsg.Call, sink: EventStream, contentType: ContentType, streamId?: string): string {
    return this.agents.register(call, sink, contentType, streamId)
  }

  /**
   * Refuses a registration whose resources are invalid (./validation.ts: a negative or huge scalar,
   * an unknown name, a bad range), or of an agent on a machine that is DOWN for maintenance (call it
   * before opening the agent's event stream).
   * @throws CallError 400 naming the bad resource; 403 naming the machine
   */
  checkAgentMayRegister(call: agentMsg.Call): void {
    const problem = call.register ? validateRegistration(call.register) : undefined
    if (problem) throw new CallError(400, problem)
    this.maintenance.checkAgentMayRegister(call)
  }

  /** Marks an agent unreachable (Mesos `markUnreachable`; ./agents.ts). */
  markUnreachable(agentId: string, why: string): void {
    this.agents.markUnreachable(agentId, why)
  }

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
    this.agents.recover(agents, deadlineMs, unreachable)
  }

  /**
   * Link calls after REGISTER, accepted only with the stream id of the agent's current link, so that
   * a plain connection cannot forge an agent's status updates, pongs or executor messages.
   * @throws CallError 400 for an unknown agent, a link that is down, a wrong stream id, or an unexpected call
   */
  handleAgentCall(call: agentMsg.Call, streamId: string | undefined): void {
    const agent = call.agent_id ? this.agents.get(call.agent_id.value) : undefined
    if (!agent) throw new CallError(400, 'Agent is not registered')
    if (!agent.link || agent.link.streamId === undefined || agent.link.streamId !== streamId)
      throw new CallError(
        400,
        `The stream id included in this request does not match the link of agent ${agent.id}; calls are accepted only on the agent's own link (register again)`,
      )
    if (call.type === 'PONG') return this.agents.pong(agent.id)
    if (call.type === 'STATUS_UPDATE' && call.status_update)
      return this.statusFromAgent(agent, call.status_update.framework_id.value, call.status_update.status)
    if (call.type === 'EXECUTOR_MESSAGE' && call.executor_message) {
      const m = call.executor_message
      const fw = this.frameworks.get(m.framework_id.value)
      if (fw)
        this.frameworks.send(fw, {
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
        this.frameworks.send(fw, {
          type: 'FAILURE',
          failure: { agent_id: { value: agent.id }, executor_id: e.executor_id, status: e.status },
        })
      this.scheduleAllocation()
      return
    }
    throw new CallError(400, `Unexpected agent call '${call.type}'`)
  }

  /** A task's status update from its agent: the task's state changes (a terminal one frees it), the framework is told. */
  private statusFromAgent(agent: AgentEntry, frameworkId: string, status: TaskStatus): void {
    const t = this.tasks.get(frameworkId, status.task_id.value)
    if (t) {
      t.state = status.state
      t.status = status
      if (isTerminal(status.state)) {
        this.tasks.delete(t)
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
    if (fw)
      this.frameworks.send(fw, { type: 'UPDATE', update: { status: { ...status, agent_id: { value: agent.id } } } })
  }

  /** A new agent: the operator event stream's subscribers get AGENT_ADDED with its GET_AGENTS view. */
  private announceAgentAdded(agent: AgentEntry): void {
    if (this.operatorEvents.size === 0) return
    const view = this.views.operatorView().agents.find((a) => a.agent_info.id.value === agent.id)
    if (view) this.operatorEvents.send({ type: 'AGENT_ADDED', agent_added: { agent: view } })
  }

  // ---------------------------------------------------------------- allocation

  /** Batches allocation requests into one run on the next tick (event-driven runs, as Mesos's allocator). */
  scheduleAllocation(): void {
    if (this.allocationTimer) return
    this.allocationTimer = setTimeout(() => {
      this.allocationTimer = undefined
      this.allocateNow()
    }, 0)
  }

  /**
   * Runs one allocation cycle now (./allocator/) over the linked agents and sends the resulting
   * OFFERS events, batched per framework. Nothing is computed while no framework wants offers.
   */
  allocateNow(): void {
    const started = performance.now()
    // Nobody to offer to (e.g. while agents register): nothing to compute.
    let anyActive = false
    for (const f of this.frameworks.values()) if (f.stream && !f.suppressed) anyActive = true
    if (!anyActive) return
    const linked = [...this.agents.values()].filter((a) => a.link)
    const total = totalOf(linked)
    const allocated = allocatedByFramework(this.frameworks.keys(), this.tasks.values(), this.offers.values())
    const frameworks = [...this.frameworks.values()].map((fw) => ({
      id: fw.id,
      role: roleOf(fw),
      active: !!fw.stream && !fw.suppressed,
      allocated: allocated.get(fw.id)!,
    }))
    if (!frameworks.some((f) => f.active)) return
    const available = availableByAgent(this.agents.values(), this.tasks.values(), this.offers.values())
    const agents = linked.map((a) => ({ id: a.id, available: available.get(a.id)! }))
    const now = Date.now()
    let made = 0
    const grants = allocate(
      frameworks,
      agents,
      total,
      (f, a, r) => this.offers.isFiltered(f, a, r, now),
      this.weights.byRole,
      Math.random,
      this.quota.byRole,
    )
    for (const [fwId, list] of grants) {
      const fw = this.frameworks.get(fwId)!
      const refinement = hasCapability(fw, 'RESERVATION_REFINEMENT')
      const offers: Offer[] = list.map(({ agentId, resources }) => {
        const agent = this.agents.get(agentId)!
        const unavailability = this.maintenance.unavailabilityOf(agent.info.hostname)
        return this.offers.make(fwId, agent, resources, { refinement, unavailability })
      })
      this.log.debug({ framework: fwId, offers: offers.length }, 'sending offers')
      this.frameworks.send(fw, { type: 'OFFERS', offers: { offers } })
      made += offers.length
    }
    this.onAllocation?.((performance.now() - started) / 1000, made)
  }

  // ---------------------------------------------------------------- operator API

  /**
   * Operator RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES (./operator-resources.ts).
   * @throws CallError 400 for an unknown agent or an operation that does not apply, with the reason
   */
  operatorResources(kind: ResourceOperation, agentId: string, resources: Resource[]): void {
    operatorResources(
      {
        agents: this.agents,
        tasks: this.tasks,
        offers: this.offers,
        log: this.log,
        scheduleAllocation: () => this.scheduleAllocation(),
      },
      kind,
      agentId,
      resources,
    )
  }

  /** GET_MAINTENANCE_SCHEDULE */
  maintenanceSchedule(): Schedule {
    return this.maintenance.schedule()
  }

  /** GET_MAINTENANCE_STATUS */
  maintenanceStatus(): ClusterStatus {
    return this.maintenance.status()
  }

  /** UPDATE_MAINTENANCE_SCHEDULE (./maintenance-handler.ts). @throws CallError 400 naming the machine and the rule broken */
  updateMaintenanceSchedule(schedule: unknown): void {
    this.maintenance.updateSchedule(schedule)
  }

  /** START_MAINTENANCE: the machines go DOWN, their agents are removed. @throws CallError 400 for a machine that is not scheduled or already DOWN */
  startMaintenance(machines: unknown): void {
    this.maintenance.start(machines)
  }

  /** STOP_MAINTENANCE: the machines are UP and off the schedule. @throws CallError 400 for a machine that is not DOWN */
  stopMaintenance(machines: unknown): void {
    this.maintenance.stop(machines)
  }

  /** Restores the registry's maintenance record after an HA election. */
  recoverMaintenance(record: MaintenanceRecord): void {
    this.maintenance.recover(record)
  }

  /** Quotas as the operator API's GET_QUOTA `status.configs`. */
  getQuota(): QuotaJson[] {
    return this.quota.get()
  }

  /** UPDATE_QUOTA, all or nothing (./quota.ts). @throws CallError 400 naming the role and resource */
  updateQuota(configs: ReadonlyMap<string, RoleQuota>, force: boolean): void {
    this.quota.update(configs, force)
  }

  /** Quotas read back from the HA registry after an election (operator JSON shape); bad entries are skipped. */
  recoverQuotas(configs: unknown[]): void {
    this.quota.recover(configs)
  }

  /** Role weights set by `--weights` or UPDATE_WEIGHTS (roles not listed weigh 1). */
  getWeights(): WeightInfo[] {
    return this.weights.get()
  }

  /** UPDATE_WEIGHTS, all or nothing (./weights.ts). @throws CallError 400 naming the bad entry */
  updateWeights(infos: ReadonlyArray<{ role?: string; weight?: number }>): void {
    this.weights.update(infos)
  }

  /** Weights read back from the HA registry after an election; they replace `--weights` role by role. */
  recoverWeights(weights: ReadonlyArray<WeightInfo>): void {
    this.weights.recover(weights)
  }

  /** Known roles as Mesos GET_ROLES (./views.ts). */
  roles(): RoleView[] {
    return this.views.roles()
  }

  /** Agents, frameworks and tasks in the shapes of the v1 operator API (GET_AGENTS/FRAMEWORKS/TASKS). */
  operatorView(): ReturnType<ReadViews['operatorView']> {
    return this.views.operatorView()
  }

  /** Agents marked unreachable that have not come back, oldest first. */
  unreachableAgents(): UnreachableAgent[] {
    return this.agents.unreachableAgents()
  }

  /** A snapshot like Mesos `/master/state` (subset): agents, frameworks, tasks, offers, unreachable agents. */
  state(): ReturnType<ReadViews['state']> {
    return this.views.state()
  }
}
