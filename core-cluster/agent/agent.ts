/** The agent: wires its master link, containerizer, executor API, executors' life, status-update manager and recovery, and dispatches the master's events to them. */
import type { Logger } from 'pino'
import { type Authenticator, basicAuthorization, type OwnCredential } from '../auth/index.js'
import type { EventStream } from '../http/index.js'
import type { AgentInfo, Attribute, agent as agentMsg, executor as executorMsg, Resource } from '../proto/index.js'
import { AgentResources, Containerizer, type ResourceStatistics } from './containerizer/index.js'
import { ExecutorApi } from './executor-api.js'
import { ExecutorAuthentication } from './executor-auth.js'
import { ExecutorLifecycle } from './executor-lifecycle.js'
import { MasterLink } from './master-link.js'
import { Recovery } from './recovery.js'
import { ExecutorRuns } from './runs.js'
import { StatusUpdateManager } from './status-updates.js'

/** Agent settings. Durations in ms. */
export interface AgentOptions {
  /** `host:port` of the master. */
  master: string
  /** The address this agent binds and advertises (e.g. 127.0.1.1): the agent's "host". */
  host: string
  port: number
  /** Parsed `--resources` (cpus, mem MB, ports ranges, ...). */
  resources: Resource[]
  attributes: Attribute[]
  /** Root of sandboxes, the fetch cache and data (`KM_DATA_DIR` for executors). */
  workDir: string
  /** Grace period between SIGTERM and SIGKILL of an executor's process group (Mesos default 5 s). */
  executorShutdownGraceMs?: number
  /**
   * Recover from the checkpoint in `<workDir>/meta` at start (Mesos `--recover=reconnect`, default):
   * the agent id, executors of checkpointing frameworks that are still alive, unacknowledged updates.
   */
  recover?: boolean
  /** How long recovered executors have to re-subscribe before they are killed (Mesos `--executor_reregistration_timeout`). */
  executorReregisterTimeoutMs?: number
  /**
   * Kill an executor's process tree when its resident memory exceeds the mem of its tasks and
   * executor (TASK_FAILED, REASON_CONTAINER_LIMITATION_MEMORY). Default true; false = only account.
   */
  enforceMemoryLimits?: boolean
  /** How often executors' process trees are sampled from /proc (ms, default 500). */
  monitorIntervalMs?: number
  /** The fetcher cache's bound in bytes, least recently used evicted first (Mesos `--fetcher_cache_size`, default 2 GB). */
  fetcherCacheBytes?: number
  /** A finished executor's sandbox is removed after this long at most (Mesos `--gc_delay`, default 1 week). */
  gcDelayMs?: number
  /** How often the disk is checked; a fuller disk removes sandboxes sooner (Mesos `--disk_watch_interval`, default 1 min). */
  diskWatchIntervalMs?: number
  /** Share of the disk GC keeps free (Mesos `--gc_disk_headroom`, default 0.1). */
  gcDiskHeadroom?: number
  /**
   * Executor authentication (Mesos `--authenticate_http_executors`), default true: every executor
   * gets its own token and `/api/v1/executor` takes calls only with the token of the executor they
   * name (./executor-auth.ts). false: any caller may act as any executor (Mesos's default).
   */
  authenticateExecutors?: boolean
  /** who may call the agent's operator API, `/state` and `/monitor/statistics` (`--auth-file`); none: they are open */
  authenticator?: Authenticator
  /** the agent's principal and secret toward the master (`--credential`; Mesos `--authenticate_agents`), sent as HTTP Basic */
  credential?: OwnCredential
  logger: Logger
}

/** One entry of `/monitor/statistics` (Mesos `ResourceUsage.Executor`, subset). */
export interface ExecutorStatistics {
  executor_id: string
  executor_name: string
  framework_id: string
  container_id: string
  source: string
  statistics: ResourceStatistics
}

/**
 * The agent, as a Mesos agent (`src/slave/slave.cpp`): registers with the master (./master-link.ts),
 * leads its executors' life (./executor-lifecycle.ts) in containers (./containerizer/), serves the
 * v1 executor API (./executor-api.ts), forwards status updates until acknowledged
 * (./status-updates.ts), and checkpoints so that a restart re-attaches its executors
 * (./recovery.ts). This class wires them together, dispatches the master's events, and gives the
 * read views. How the parts fit: docs/agent.md.
 */
export class Agent {
  private agentId?: string
  private readonly runs = new ExecutorRuns()
  private readonly updates: StatusUpdateManager
  private readonly link: MasterLink
  private readonly containerizer: Containerizer
  private readonly executorApi: ExecutorApi
  private readonly executors: ExecutorLifecycle
  private readonly recovery: Recovery
  private readonly log: Logger
  private registeredOnce?: () => void
  readonly registered: Promise<void>
  /** dynamic reservations and persistent volumes (checkpointed; reported on REGISTER) */
  private readonly resources: AgentResources
  private checkpointedResources: Resource[] = []
  /** signs and checks the executors' tokens; undefined with `authenticateExecutors: false` */
  readonly executorAuth?: ExecutorAuthentication

  constructor(private readonly options: AgentOptions) {
    this.log = options.logger
    if (options.authenticateExecutors !== false) this.executorAuth = ExecutorAuthentication.fromWorkDir(options.workDir)
    const shutdownGraceMs = options.executorShutdownGraceMs ?? 5_000
    this.resources = new AgentResources(options.workDir)
    this.containerizer = new Containerizer({
      workDir: options.workDir,
      shutdownGraceMs,
      enforceMemoryLimits: options.enforceMemoryLimits !== false,
      volumes: this.resources,
      fetcherCacheBytes: options.fetcherCacheBytes,
      gc: {
        gcDelayMs: options.gcDelayMs,
        diskWatchIntervalMs: options.diskWatchIntervalMs,
        gcDiskHeadroom: options.gcDiskHeadroom,
      },
      log: this.log,
    })
    this.link = new MasterLink({
      master: options.master,
      log: this.log,
      authorization: options.credential
        ? basicAuthorization(options.credential.principal, options.credential.secret)
        : undefined,
      agentId: () => this.agentId,
      register: () => this.registration(),
      onEvent: (event) => this.onMasterEvent(event),
    })
    this.recovery = new Recovery({
      workDir: options.workDir,
      address: this.address,
      reregisterTimeoutMs: options.executorReregisterTimeoutMs ?? 10_000,
      runs: this.runs,
      containerizer: this.containerizer,
      adoptAgentId: (id) => {
        this.agentId = id
      },
      enqueue: (frameworkId, status) => this.updates.enqueue(frameworkId, status),
      agentStatus: (run, task, state, reason, message) =>
        this.executors.agentStatus(run, run.frameworkId, task, state, reason, message),
      watch: (run) => this.executors.watch(run),
      log: this.log,
    })
    this.updates = new StatusUpdateManager(
      (frameworkId, status) =>
        this.link.post({ type: 'STATUS_UPDATE', status_update: { framework_id: { value: frameworkId }, status } }),
      undefined,
      undefined,
      (frameworkId, taskId, queue) => this.recovery.saveUpdates(frameworkId, taskId, queue),
    )
    this.executorApi = new ExecutorApi({
      runs: this.runs,
      agentId: () => this.agentId,
      agentInfo: () => this.info,
      enqueue: (frameworkId, status) => this.updates.enqueue(frameworkId, status),
      saveRun: (run) => this.recovery.saveRun(run),
      post: (call) => this.link.post(call),
      log: this.log,
    })
    this.executors = new ExecutorLifecycle({
      host: options.host,
      port: options.port,
      shutdownGraceMs,
      runs: this.runs,
      containerizer: this.containerizer,
      recovery: this.recovery,
      executorApi: this.executorApi,
      agentId: () => this.agentId,
      enqueue: (frameworkId, status) => this.updates.enqueue(frameworkId, status),
      post: (call) => this.link.post(call),
      executorAuth: this.executorAuth,
      log: this.log,
    })
    this.registered = new Promise((r) => (this.registeredOnce = r))
  }

  /** who may call the operator API, `/state` and `/monitor/statistics` (undefined: they are open) */
  get authenticator(): Authenticator | undefined {
    return this.options.authenticator
  }

  get id(): string | undefined {
    return this.agentId
  }

  private get address(): { hostname: string; port: number } {
    return { hostname: this.options.host, port: this.options.port }
  }

  get info(): AgentInfo {
    return {
      hostname: this.options.host,
      port: this.options.port,
      resources: this.options.resources,
      attributes: this.options.attributes,
      id: this.agentId ? { value: this.agentId } : undefined,
    }
  }

  /** Recovers from the checkpoint (unless `recover: false`), then starts the master link loop (re-registers with back-off after a drop). */
  start(): void {
    if (this.options.recover !== false) this.recovery.recover()
    // Reservations and volumes belong to this agent id: kept only when the id was recovered.
    if (this.agentId) this.checkpointedResources = this.resources.load()
    this.containerizer.startMonitor(
      () => [...this.runs.values()].map((run) => run.container),
      this.options.monitorIntervalMs ?? 500,
    )
    this.link.start()
  }

  /** Stops the agent: shuts every executor down (their Kafka JVMs included) and closes the link. */
  async stop(): Promise<void> {
    this.link.stop()
    this.containerizer.stopMonitor()
    await Promise.all([...this.runs.values()].map((run) => this.executors.shutdownExecutor(run, 'agent stopping')))
    this.updates.stop()
    this.link.disconnect()
  }

  // ------------------------------------------------------------------ the master's events

  /** The REGISTER call's body: this agent, its live tasks and their frameworks, its checkpointed reservations. */
  private registration(): NonNullable<agentMsg.Call['register']> {
    const { tasks, frameworkIds } = this.runs.registration()
    return {
      agent_info: this.info,
      tasks,
      framework_ids: frameworkIds.map((value) => ({ value })),
      checkpointed_resources: this.checkpointedResources,
    }
  }

  private async onMasterEvent(event: agentMsg.Event): Promise<void> {
    switch (event.type) {
      case 'REGISTERED':
        this.agentId = event.registered!.agent_id.value
        this.recovery.saveAgentId(this.agentId)
        this.log.info({ agent: this.agentId, master: this.link.current }, 'registered with the master')
        this.registeredOnce?.()
        this.updates.resendAll()
        return
      case 'RUN_TASK':
        return this.executors.runTask(event.run_task!.framework_info, event.run_task!.task)
      case 'RUN_TASK_GROUP': {
        const g = event.run_task_group!
        return this.executors.runTaskGroup(g.framework_info, g.executor, g.task_group)
      }
      case 'CHECKPOINT_RESOURCES': {
        const list = event.checkpoint_resources?.resources ?? []
        this.checkpointedResources = list
        try {
          const { created, removed } = this.resources.apply(list)
          this.log.info(
            { resources: list.length, volumesCreated: created, volumesRemoved: removed },
            'checkpointed reservations and volumes',
          )
        } catch (e) {
          this.log.error({ err: (e as Error).message }, 'could not checkpoint reservations and volumes')
        }
        return
      }
      case 'KILL_TASK':
        return this.executors.killTask(
          event.kill_task!.framework_id.value,
          event.kill_task!.task_id.value,
          event.kill_task!.kill_policy?.grace_period?.nanoseconds,
        )
      case 'ACKNOWLEDGE': {
        const a = event.acknowledge!
        this.updates.acknowledge(a.framework_id.value, a.task_id.value, a.uuid)
        return
      }
      case 'FRAMEWORK_MESSAGE': {
        const m = event.framework_message!
        const run = this.runs.get(m.framework_id.value, m.executor_id.value)
        if (run?.stream) this.executorApi.send(run, { type: 'MESSAGE', message: { data: m.data } })
        return
      }
      case 'SHUTDOWN_FRAMEWORK': {
        const fw = event.shutdown_framework!.framework_id.value
        for (const run of this.runs.values())
          if (run.frameworkId === fw) void this.executors.shutdownExecutor(run, 'framework removed')
        return
      }
      default:
        return
    }
  }

  // ------------------------------------------------------------------ the v1 executor API (./server.ts)

  /** Executor SUBSCRIBE (see {@link ExecutorApi.subscribe}). @returns an error message (400) when the framework or executor is unknown */
  subscribeExecutor(call: executorMsg.Call, stream: EventStream): string | undefined {
    return this.executorApi.subscribe(call, stream)
  }

  /** Executor UPDATE (see {@link ExecutorApi.update}). @returns an error message (400) or undefined */
  executorUpdate(call: executorMsg.Call): string | undefined {
    return this.executorApi.update(call)
  }

  /** Executor MESSAGE (see {@link ExecutorApi.message}). @returns an error message (400) or undefined */
  executorMessage(call: executorMsg.Call): string | undefined {
    return this.executorApi.message(call)
  }

  /** The finished sandboxes waiting for GC (paths). */
  gcPending(): string[] {
    return [...this.containerizer.gc.pending().keys()]
  }

  /** The container of an executor's current run (undefined: the agent runs no such executor); executor tokens name it. */
  executorContainer(frameworkId: string, executorId: string): string | undefined {
    return this.runs.get(frameworkId, executorId)?.container.id
  }

  // ------------------------------------------------------------------ read views

  /** Per-executor usage as Mesos `/monitor/statistics`: cpu times (s), RSS and limit (bytes), process count, cpus limit. */
  statistics(): ExecutorStatistics[] {
    return [...this.runs.values()].map((run) => ({
      executor_id: run.executorId,
      executor_name: run.info.name ?? run.executorId,
      framework_id: run.frameworkId,
      container_id: run.container.id,
      source: [...run.tasks.keys()][0] ?? run.executorId,
      statistics: this.containerizer.statistics(run.container),
    }))
  }

  /** A snapshot like Mesos `/slave(1)/state` (subset). */
  state() {
    return {
      id: this.agentId,
      hostname: this.options.host,
      port: this.options.port,
      master: this.options.master,
      resources: this.options.resources,
      attributes: this.options.attributes,
      executors: [...this.runs.values()].map((r) => ({
        id: r.executorId,
        framework_id: r.frameworkId,
        container: r.container.id,
        directory: r.container.sandbox,
        pid: r.container.process?.pid,
        subscribed: !!r.stream,
        type: r.defaultExecutor ? 'DEFAULT' : r.commandExecutor ? 'COMMAND' : 'CUSTOM',
        tasks: [...r.tasks.values()].map((t) => ({ id: t.info.task_id.value, state: t.state })),
      })),
      reserved_resources: this.checkpointedResources,
      pending_updates: [...this.updates.pending().values()].reduce((n, l) => n + l.length, 0),
    }
  }
}
