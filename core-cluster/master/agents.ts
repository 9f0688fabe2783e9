/** The agent registry: registration and re-registration, the agents' resources, their health, disconnection and unreachable agents. */

/**
 * As Mesos's master keeps agents (`src/master/master.cpp` `registerSlave`, `reregisterSlave`,
 * `markUnreachable`, `removeSlave`), on our own agent link (`core-cluster/proto/agent.proto`). An
 * agent that re-registers keeps its id; the tasks it reports are adopted and the ones it no longer
 * has are lost. An agent the health check gives up on is marked unreachable and leaves the cluster;
 * if it comes back, the frameworks that are not partition-aware lose their tasks there and the others
 * get them back (`docs/high-availability-framework-guide.md`, "Dealing with Partitioned or Failed
 * Agents").
 */

import type { Logger } from 'pino'
import type { EventStream } from '../http/index.js'
import {
  type AgentInfo,
  type agent as agentMsg,
  type ContentType,
  encode,
  type Resource,
  type TaskInfo,
} from '../proto/index.js'
import { AgentHealth, type AgentHealthOptions } from './agent-health.js'
import { AgentRecovery } from './agent-recovery.js'
import type { Frameworks } from './frameworks.js'
import { partitionAware } from './frameworks.js'
import type { IdMinter } from './ids.js'
import type { Offers } from './offers.js'
import * as ops from './operations.js'
import type { OperatorEvents } from './operator-events.js'
import type { TaskEntry, Tasks } from './tasks.js'

/** One registered agent, as the master keeps it. */
export interface AgentEntry {
  id: string
  info: AgentInfo
  /** `--resources` with the dynamic reservations and persistent volumes applied (refinement format) */
  total: Resource[]
  /** dynamic reservations and persistent volumes, as the agent checkpoints them */
  checkpointed: Resource[]
  /** the agent's event stream, and the stream id its calls must carry; absent while the link is down */
  link?: { sink: EventStream; contentType: ContentType; streamId?: string }
  /** executor key `<frameworkId>/<executorId>` -> resources of the executor itself */
  executors: Map<string, Resource[]>
  /** epoch ms */
  registeredAt: number
}

/** An agent marked unreachable: removed from the cluster, may re-register later. */
export interface UnreachableAgent {
  id: string
  hostname: string
  port?: number
  /** epoch ms */
  time: number
}

/** What the agent registry needs of the rest of the master. */
export interface AgentsDeps {
  ids: Pick<IdMinter, 'agent' | 'masterId'>
  log: Logger
  /** the health check's ping period and misses (Mesos `--agent_ping_timeout`, `--max_agent_ping_timeouts`) */
  health: AgentHealthOptions
  tasks: Tasks
  frameworks: Pick<Frameworks, 'get' | 'values' | 'send' | 'sendStatus'>
  offers: Pick<Offers, 'rescindAgent' | 'clearAgentFilters'>
  operatorEvents: Pick<OperatorEvents, 'send'>
  /** Registry hook (HA): an agent (re-)registered or its reservations and volumes changed. */
  onAgentAdmitted?: (agentId: string, hostname: string, checkpointed: Resource[]) => void
  /** Registry hook (HA): an agent was marked unreachable (epoch ms). */
  onAgentUnreachable?: (agentId: string, hostname: string, timeMs: number) => void
  /** a new agent joined the cluster (the operator event stream hears of it) */
  added(agent: AgentEntry): void
  /** an agent (re-)registered and is linked: e.g. inverse offers for a draining machine; an allocation run */
  admitted(agent: AgentEntry): void
  scheduleAllocation(): void
}

/** Every registered agent, the unreachable ones, and the registry's agents still expected after a failover. */
export class AgentRegistry {
  private readonly byId = new Map<string, AgentEntry>()
  private readonly unreachable = new Map<string, UnreachableAgent>()
  private readonly health: AgentHealth
  private readonly recovery: AgentRecovery

  constructor(private readonly deps: AgentsDeps) {
    this.health = new AgentHealth(deps.health, {
      ping: (id) => {
        const a = this.byId.get(id)
        if (a) this.send(a, { type: 'PING' })
      },
      unreachable: (id, misses) => this.markUnreachable(id, `health check timed out after ${misses} unanswered pings`),
    })
    this.recovery = new AgentRecovery({
      isLinked: (id) => !!this.byId.get(id)?.link,
      expired: (id, hostname, now) => {
        if (this.byId.has(id)) return
        this.deps.log.warn({ agent: id }, 'agent from the registry did not re-register in time: marked unreachable')
        this.unreachable.set(id, { id, hostname, time: now })
        this.deps.onAgentUnreachable?.(id, hostname, now)
      },
    })
  }

  get(id: string): AgentEntry | undefined {
    return this.byId.get(id)
  }

  values(): IterableIterator<AgentEntry> {
    return this.byId.values()
  }

  /** `pingTimeoutMs × maxPingTimeouts` in seconds: told to agents so they notice a silent master. */
  get totalPingTimeoutSeconds(): number {
    return this.health.totalTimeoutSeconds
  }

  /** The agent marked unreachable with this id, if it has not come back. */
  unreachableAgent(id: string): UnreachableAgent | undefined {
    return this.unreachable.get(id)
  }

  /** Agents marked unreachable that have not come back, oldest first. */
  unreachableAgents(): UnreachableAgent[] {
    return [...this.unreachable.values()].sort((a, b) => a.time - b.time)
  }

  /** True when `agentId` (or, when undefined, any recovered agent) may still re-register after a failover. */
  mayStillReregister(agentId: string | undefined): boolean {
    return this.recovery.mayStillReregister(agentId)
  }

  /** Sends one event on the agent's link (nothing while it is down). */
  send(agent: AgentEntry, event: agentMsg.Event): void {
    if (!agent.link) return
    agent.link.sink.send(encode('kafka_mesos.agent.Event', event, agent.link.contentType))
  }

  /** Tells every agent to shut a framework's executors down (it was torn down). */
  shutdownFramework(frameworkId: string): void {
    for (const a of this.byId.values())
      this.send(a, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: frameworkId } } })
  }

  /** A PONG: the agent answered the health check. */
  pong(agentId: string): void {
    this.health.pong(agentId)
  }

  /**
   * An agent (re-)registers on its link stream (REGISTER, then this stream carries its events). A
   * known agent id keeps its id and tasks; tasks it reports are adopted (e.g. after a master
   * restart) and the ones it no longer has are lost. An agent that was marked unreachable is
   * re-admitted as Mesos does: the frameworks that are not partition-aware were told TASK_LOST, so
   * their tasks there are shut down; the tasks of partition-aware frameworks come back, and those
   * frameworks get an update with the task's state again (REASON_AGENT_REREGISTERED).
   * @returns the agent's id
   */
  register(call: agentMsg.Call, sink: EventStream, contentType: ContentType, streamId?: string): string {
    const reg = call.register!
    const requested = call.agent_id?.value
    const existing = requested ? this.byId.get(requested) : undefined
    const wasUnreachable = requested ? this.unreachable.get(requested) : undefined
    if (wasUnreachable) this.unreachable.delete(wasUnreachable.id)
    const agent = existing ? this.readmit(existing, reg) : this.admit(requested, reg, wasUnreachable)
    const shutdown = wasUnreachable ? this.notPartitionAware(reg) : new Set<string>()
    this.loseUnreportedTasks(agent, reg)
    const back = this.adoptReportedTasks(agent, reg, shutdown)
    this.recovery.registered(agent.id)
    this.deps.onAgentAdmitted?.(agent.id, agent.info.hostname, agent.checkpointed)
    agent.link = { sink, contentType, streamId }
    sink.onClose(() => {
      if (agent.link?.sink === sink) this.disconnected(agent)
    })
    this.send(agent, {
      type: 'REGISTERED',
      registered: {
        agent_id: { value: agent.id },
        master_id: this.deps.ids.masterId,
        total_ping_timeout_seconds: this.health.totalTimeoutSeconds,
      },
    })
    if (agent.checkpointed.length > 0 || (reg.checkpointed_resources ?? []).length > 0)
      this.send(agent, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.checkpointed } })
    for (const fwId of shutdown) {
      this.deps.log.info(
        { agent: agent.id, framework: fwId },
        'shutting down a framework at a re-registered agent: the framework is not partition-aware',
      )
      this.send(agent, { type: 'SHUTDOWN_FRAMEWORK', shutdown_framework: { framework_id: { value: fwId } } })
    }
    for (const t of back) {
      const fw = this.deps.frameworks.get(t.frameworkId)
      if (fw)
        this.deps.frameworks.sendStatus(fw, {
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
    if (!existing) this.deps.added(agent)
    this.deps.admitted(agent)
    return agent.id
  }

  /**
   * Registry agents after an HA election: they may re-register until `deadlineMs` (epoch ms); those
   * that have not by then are marked unreachable (Mesos `--agent_reregister_timeout`). Agents the
   * registry lists as unreachable stay so (reconciliation answers TASK_UNREACHABLE for them).
   */
  recover(
    agents: ReadonlyArray<{ id: string; hostname?: string; resources?: Resource[] }>,
    deadlineMs: number,
    unreachable: ReadonlyArray<{ id: string; hostname?: string; time: number }>,
  ): void {
    this.recovery.recover(agents, deadlineMs)
    for (const u of unreachable)
      if (!this.byId.has(u.id)) this.unreachable.set(u.id, { id: u.id, hostname: u.hostname ?? '', time: u.time })
    this.deps.log.info(
      { agents: agents.length, unreachable: unreachable.length, deadlineMs },
      'recovered agents from the registry; waiting for them to re-register',
    )
  }

  /**
   * The agent's total changes (a reservation or volume operation): it is told its new checkpointed
   * resources and the registry records them (HA).
   */
  setTotal(agent: AgentEntry, total: Resource[]): void {
    agent.total = total
    agent.checkpointed = ops.checkpointedOf(total)
    this.send(agent, { type: 'CHECKPOINT_RESOURCES', checkpoint_resources: { resources: agent.checkpointed } })
    this.deps.onAgentAdmitted?.(agent.id, agent.info.hostname, agent.checkpointed)
  }

  /**
   * Marks an agent unreachable (Mesos `markUnreachable`): it leaves the cluster (offers rescinded,
   * link closed, registry told); each of its tasks is reported to its framework as TASK_UNREACHABLE
   * (partition-aware frameworks: the task is kept and may come back) or TASK_LOST (others: the task
   * is forgotten), with REASON_AGENT_REMOVED and `unreachable_time`; every framework gets a FAILURE
   * event naming the agent (the v1 form of Mesos's "agent lost").
   */
  markUnreachable(agentId: string, why: string): void {
    const agent = this.byId.get(agentId)
    if (!agent) return
    const now = Date.now()
    const unreachableTime = { nanoseconds: now * 1e6 }
    this.deps.log.warn({ agent: agent.id, host: agent.info.hostname, why }, 'agent marked unreachable')
    this.detach(agent)
    this.unreachable.set(agent.id, { id: agent.id, hostname: agent.info.hostname, port: agent.info.port, time: now })
    for (const t of this.deps.tasks.values()) {
      if (t.agentId !== agent.id || t.unreachableSince !== undefined) continue
      const fw = this.deps.frameworks.get(t.frameworkId)
      const aware = !!fw && partitionAware(fw)
      if (aware) {
        t.stateBefore = t.state
        t.state = 'TASK_UNREACHABLE'
        t.unreachableSince = now
      } else this.deps.tasks.delete(t)
      if (fw)
        this.deps.frameworks.sendStatus(fw, {
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
    this.announceRemoved(agent)
    this.deps.onAgentUnreachable?.(agent.id, agent.info.hostname, now)
    this.deps.scheduleAllocation()
  }

  /** Takes an agent out of the cluster: no more health checks, offers or filters; its link is closed. */
  detach(agent: AgentEntry): void {
    this.health.unwatch(agent.id)
    this.deps.offers.rescindAgent(agent.id)
    this.byId.delete(agent.id)
    this.deps.offers.clearAgentFilters(agent.id)
    const link = agent.link
    agent.link = undefined
    link?.sink.close()
  }

  /** Tells every framework (FAILURE naming the agent, the v1 "agent lost") and the operator stream (AGENT_REMOVED). */
  announceRemoved(agent: AgentEntry): void {
    for (const fw of this.deps.frameworks.values())
      this.deps.frameworks.send(fw, { type: 'FAILURE', failure: { agent_id: { value: agent.id } } })
    this.deps.operatorEvents.send({ type: 'AGENT_REMOVED', agent_removed: { agent_id: { value: agent.id } } })
  }

  stop(): void {
    this.health.stop()
    this.recovery.stop()
    for (const a of this.byId.values()) a.link?.sink.close()
  }

  /** A known agent re-registers (e.g. after its link broke): new info; this master's reservations win. */
  private readmit(agent: AgentEntry, reg: NonNullable<agentMsg.Call['register']>): AgentEntry {
    agent.link?.sink.close()
    agent.info = { ...reg.agent_info, id: { value: agent.id } }
    // This master's view of the reservations and volumes wins over the agent's (it may have missed a CHECKPOINT_RESOURCES).
    this.applyResources(agent, reg.agent_info.resources ?? [], agent.checkpointed)
    this.deps.log.info({ agent: agent.id, host: agent.info.hostname }, 'agent re-registered')
    return agent
  }

  /** An agent this master does not know registers: a new one, or one from before a restart or a failover, or an unreachable one back. */
  private admit(
    requested: string | undefined,
    reg: NonNullable<agentMsg.Call['register']>,
    wasUnreachable: UnreachableAgent | undefined,
  ): AgentEntry {
    const id = requested ?? this.deps.ids.agent()
    const agent: AgentEntry = {
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
    const registered = this.recovery.recordedResources(id)
    if (checkpointed.length === 0 && registered.length > 0) {
      this.deps.log.warn(
        { agent: id, resources: registered.length },
        'agent reported no reservations or volumes: restored them from the registry',
      )
      checkpointed = registered
    }
    this.applyResources(agent, reg.agent_info.resources ?? [], checkpointed)
    this.byId.set(id, agent)
    const how = wasUnreachable
      ? 'agent re-registered after being unreachable'
      : requested
        ? 'agent re-registered after a master restart'
        : 'agent registered'
    this.deps.log.info(
      {
        agent: id,
        host: agent.info.hostname,
        resources: reg.agent_info.resources?.length ?? 0,
        unreachableForMs: wasUnreachable ? Date.now() - wasUnreachable.time : undefined,
      },
      how,
    )
    return agent
  }

  /** An agent's total: its `--resources` with its dynamic reservations and persistent volumes applied. */
  private applyResources(agent: AgentEntry, staticResources: Resource[], checkpointed: Resource[]): void {
    const { total, skipped } = ops.applyCheckpointed(staticResources, checkpointed)
    if (skipped.length > 0)
      this.deps.log.warn(
        { agent: agent.id, skipped: skipped.length },
        "checkpointed reservations or volumes no longer fit the agent's --resources; dropped",
      )
    agent.total = total
    agent.checkpointed = ops.checkpointedOf(total)
  }

  /** The frameworks of the reported tasks that are not partition-aware: they lost these tasks when the agent became unreachable. */
  private notPartitionAware(reg: NonNullable<agentMsg.Call['register']>): Set<string> {
    const out = new Set<string>()
    for (const task of reg.tasks ?? []) {
      const fwId = frameworkOf(task, reg)
      const fw = fwId ? this.deps.frameworks.get(fwId) : undefined
      if (fw && !partitionAware(fw)) out.add(fw.id)
    }
    return out
  }

  /**
   * The tasks this master has on the agent that it no longer reports are lost (e.g. an agent
   * restarted without a checkpoint), and their frameworks are told, as Mesos's re-registration
   * reconciliation does. Tasks still STAGING may not have reached the agent yet.
   */
  private loseUnreportedTasks(agent: AgentEntry, reg: NonNullable<agentMsg.Call['register']>): void {
    const reported = new Set((reg.tasks ?? []).map((t) => t.task_id.value))
    for (const t of this.deps.tasks.values()) {
      if (t.agentId !== agent.id || reported.has(t.info.task_id.value) || t.state === 'TASK_STAGING') continue
      this.deps.tasks.delete(t)
      const fw = this.deps.frameworks.get(t.frameworkId)
      if (fw) {
        this.deps.frameworks.sendStatus(fw, {
          task_id: t.info.task_id,
          state: partitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST',
          reason: 'REASON_RECONCILIATION',
          source: 'SOURCE_MASTER',
          agent_id: { value: agent.id },
          message: 'Reconciliation: task unknown to the agent when it re-registered',
        })
      }
    }
  }

  /**
   * Adopts the tasks the agent still runs (and their executors), except those of the frameworks in
   * `shutdown`. @returns the tasks that were unreachable and are back
   */
  private adoptReportedTasks(
    agent: AgentEntry,
    reg: NonNullable<agentMsg.Call['register']>,
    shutdown: ReadonlySet<string>,
  ): TaskEntry[] {
    const back: TaskEntry[] = []
    for (const task of reg.tasks ?? []) {
      const fwId = frameworkOf(task, reg)
      if (!fwId || shutdown.has(fwId)) continue
      const known = this.deps.tasks.get(fwId, task.task_id.value)
      if (!known)
        this.deps.tasks.set({
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
    return back
  }

  /**
   * The agent's link broke. Its offers are rescinded; its tasks stay until it re-registers, or the
   * health check (which cannot reach it now) marks it unreachable.
   */
  private disconnected(agent: AgentEntry): void {
    agent.link = undefined
    const h = this.health.options
    this.deps.log.warn(
      { agent: agent.id, host: agent.info.hostname, withinMs: h.pingTimeoutMs * h.maxPingTimeouts },
      'agent disconnected; its tasks are kept until it re-registers or the health check marks it unreachable',
    )
    this.deps.offers.rescindAgent(agent.id)
  }
}

/** The framework of a task an agent reports: its executor's, else the first the agent names. */
function frameworkOf(task: TaskInfo, reg: NonNullable<agentMsg.Call['register']>): string | undefined {
  return task.executor?.framework_id?.value ?? reg.framework_ids?.[0]?.value
}
