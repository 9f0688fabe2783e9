/** The agent: wires its master link, containerizer, executor API, status-update manager and recovery, and dispatches the master's events to them. */
import type { Logger } from 'pino'
import type { EventStream } from '../http/index.js'
import {
  type AgentInfo,
  type Attribute,
  type agent as agentMsg,
  type ExecutorInfo,
  type executor as executorMsg,
  type FrameworkInfo,
  isTerminal,
  newUuidBase64,
  type Resource,
  type TaskGroupInfo,
  type TaskInfo,
  type TaskState,
  type TaskStatus,
} from '../proto/index.js'
import { commandExecutorEntry, commandExecutorInfo, defaultExecutorInfo } from './command-executor-launch.js'
import {
  AgentResources,
  BUILTIN_EXECUTOR_ALLOWANCE_MB,
  Containerizer,
  type ResourceStatistics,
} from './containerizer/index.js'
import { ExecutorApi } from './executor-api.js'
import { executorEnvironment } from './executor-env.js'
import { MasterLink } from './master-link.js'
import { Recovery } from './recovery.js'
import { type ExecutorRun, ExecutorRuns, runResources } from './runs.js'
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
 * launches executors in containers (./containerizer/), serves the v1 executor API
 * (./executor-api.ts), forwards status updates until acknowledged (./status-updates.ts), and
 * checkpoints so that a restart re-attaches its executors (./recovery.ts). This class holds the
 * executors' life: launch, kill, shutdown and exit.
 */
export class Agent {
  private agentId?: string
  private readonly runs = new ExecutorRuns()
  private readonly updates: StatusUpdateManager
  private readonly link: MasterLink
  private readonly containerizer: Containerizer
  private readonly executorApi: ExecutorApi
  private readonly recovery: Recovery
  private readonly log: Logger
  private readonly graceMs: number
  private registeredOnce?: () => void
  readonly registered: Promise<void>
  /** dynamic reservations and persistent volumes (checkpointed; reported on REGISTER) */
  private readonly resources: AgentResources
  private checkpointedResources: Resource[] = []

  constructor(private readonly options: AgentOptions) {
    this.log = options.logger
    this.graceMs = options.executorShutdownGraceMs ?? 5_000
    this.resources = new AgentResources(options.workDir)
    this.containerizer = new Containerizer({
      workDir: options.workDir,
      shutdownGraceMs: this.graceMs,
      enforceMemoryLimits: options.enforceMemoryLimits !== false,
      volumes: this.resources,
      log: this.log,
    })
    this.link = new MasterLink({
      master: options.master,
      log: this.log,
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
        this.agentStatus(run, run.frameworkId, task, state, reason, message),
      watch: (run) => this.watch(run),
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
    this.registered = new Promise((r) => (this.registeredOnce = r))
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
    await Promise.all([...this.runs.values()].map((run) => this.shutdownExecutor(run, 'agent stopping')))
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
        return this.runTask(event.run_task!.framework_info, event.run_task!.task)
      case 'RUN_TASK_GROUP': {
        const g = event.run_task_group!
        return this.runTaskGroup(g.framework_info, g.executor, g.task_group)
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
        return this.killTask(
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
          if (run.frameworkId === fw) void this.shutdownExecutor(run, 'framework removed')
        return
      }
      default:
        return
    }
  }

  // ------------------------------------------------------------------ tasks and executors

  /** A status update of the agent's own (SOURCE_AGENT) for a task, queued for the master. */
  private agentStatus(
    run: ExecutorRun | undefined,
    frameworkId: string,
    task: TaskInfo,
    state: TaskState,
    reason: string,
    message: string,
    extra: Partial<TaskStatus> = {},
  ): void {
    const status: TaskStatus = {
      ...extra,
      task_id: task.task_id,
      state,
      reason,
      message,
      source: 'SOURCE_AGENT',
      agent_id: this.agentId ? { value: this.agentId } : undefined,
      executor_id: run ? { value: run.executorId } : undefined,
      timestamp: Date.now() / 1000,
      uuid: newUuidBase64(),
    }
    const t = run?.tasks.get(task.task_id.value)
    if (t) t.state = state
    this.updates.enqueue(frameworkId, status)
    if (run && this.runs.isCurrent(run)) this.recovery.saveRun(run)
  }

  /** RUN_TASK: a task with its own executor, or a command task under the built-in command executor. */
  private async runTask(framework: FrameworkInfo, task: TaskInfo): Promise<void> {
    const frameworkId = framework.id!.value
    if (!task.executor && !task.command) {
      this.agentStatus(
        undefined,
        frameworkId,
        task,
        'TASK_ERROR',
        'REASON_TASK_INVALID',
        'Task has neither CommandInfo nor ExecutorInfo',
      )
      return
    }
    let executorInfo: ExecutorInfo
    const isCommandTask = !task.executor
    if (task.executor) executorInfo = task.executor
    else {
      // A command task runs under the built-in command executor (its ExecutorInfo is synthesised, as Mesos).
      try {
        executorInfo = commandExecutorInfo(task, frameworkId, await commandExecutorEntry())
      } catch (e) {
        this.agentStatus(
          undefined,
          frameworkId,
          task,
          'TASK_FAILED',
          'REASON_CONTAINER_LAUNCH_FAILED',
          `Cannot start the command executor: ${(e as Error).message}`,
        )
        return
      }
    }
    return this.launchOn(framework, executorInfo, [task], isCommandTask ? 'command' : 'custom')
  }

  /**
   * LAUNCH_GROUP: the group's tasks under one executor of type DEFAULT, run by the agent's built-in
   * default executor (the command executor program with KM_DEFAULT_EXECUTOR=1).
   */
  private async runTaskGroup(framework: FrameworkInfo, executor: ExecutorInfo, group: TaskGroupInfo): Promise<void> {
    const frameworkId = framework.id!.value
    const tasks = group.tasks ?? []
    let entry: { file: string; args: string[] }
    try {
      entry = await commandExecutorEntry()
    } catch (e) {
      for (const t of tasks)
        this.agentStatus(
          undefined,
          frameworkId,
          t,
          'TASK_FAILED',
          'REASON_CONTAINER_LAUNCH_FAILED',
          `Cannot start the default executor: ${(e as Error).message}`,
        )
      return
    }
    return this.launchOn(framework, defaultExecutorInfo(executor, frameworkId, entry), tasks, 'default')
  }

  /** Starts the executor of `tasks` in a new container, or hands them to its running one. */
  private async launchOn(
    framework: FrameworkInfo,
    executorInfo: ExecutorInfo,
    tasks: TaskInfo[],
    kind: 'command' | 'custom' | 'default',
  ): Promise<void> {
    const frameworkId = framework.id!.value
    const executorId = executorInfo.executor_id.value
    this.recovery.track(framework)
    const running = this.runs.get(frameworkId, executorId)
    if (running && !running.shuttingDown) return this.addTasks(running, tasks)
    const run: ExecutorRun = {
      frameworkId,
      framework,
      executorId,
      info: executorInfo,
      container: this.containerizer.create({
        agentId: this.agentId,
        frameworkId,
        executorId,
        builtin: kind !== 'custom',
        perTaskSandboxes: kind === 'default',
        resources: () => runResources(run),
      }),
      commandExecutor: kind === 'command',
      defaultExecutor: kind === 'default',
      queued: [...tasks],
      tasks: new Map(),
      shuttingDown: false,
      subscribedOnce: false,
    }
    for (const task of tasks)
      run.tasks.set(task.task_id.value, { info: task, state: 'TASK_STAGING', killRequested: false })
    this.runs.add(run)
    this.log.info(
      { tasks: tasks.map((t) => t.task_id.value), executor: executorId, sandbox: run.container.sandbox, kind },
      'launching executor',
    )
    try {
      await this.containerizer.launch(run.container, {
        command: executorInfo.command ?? {},
        tasks,
        env: () =>
          executorEnvironment(run, {
            host: this.options.host,
            port: this.options.port,
            agentId: this.agentId,
            shutdownGraceMs: this.graceMs,
            dataDir: this.containerizer.dataDir,
          }),
        cancelled: () => run.shuttingDown,
      })
      this.recovery.saveRun(run)
    } catch (e) {
      const message = `Failed to launch the executor: ${(e as Error).message}`
      this.log.error({ tasks: tasks.map((t) => t.task_id.value), err: (e as Error).message }, 'executor launch failed')
      for (const task of tasks)
        this.agentStatus(run, frameworkId, task, 'TASK_FAILED', 'REASON_CONTAINER_LAUNCH_FAILED', message)
      this.runs.delete(run)
      return
    }
    this.watch(run)
  }

  /** More tasks for a running executor: their volumes are linked, its limits raised, then they are sent (or queued until it subscribes). */
  private addTasks(run: ExecutorRun, tasks: TaskInfo[]): void {
    for (const task of tasks)
      run.tasks.set(task.task_id.value, { info: task, state: 'TASK_STAGING', killRequested: false })
    try {
      this.containerizer.update(run.container, tasks)
    } catch (e) {
      for (const task of tasks)
        this.agentStatus(
          run,
          run.frameworkId,
          task,
          'TASK_FAILED',
          'REASON_CONTAINER_LAUNCH_FAILED',
          `Cannot link the task's persistent volumes: ${(e as Error).message}`,
        )
      return
    }
    if (run.stream) this.executorApi.deliver(run, tasks)
    else run.queued.push(...tasks)
    this.recovery.saveRun(run)
  }

  /** Handles the exit of a run's executor (launched here, or re-attached after a restart). */
  private watch(run: ExecutorRun): void {
    void run.container.process!.exited.then((code) => this.executorExited(run, code))
  }

  /**
   * The executor exited: what is left of its container is killed, its tasks that are not over fail
   * (or are KILLED when a kill or shutdown was asked for; a memory limit says so), and the master
   * hears EXITED_EXECUTOR (not for a command task's executor, as Mesos).
   */
  private async executorExited(run: ExecutorRun, code: number): Promise<void> {
    this.containerizer.destroy(run.container)
    run.stream?.close()
    this.runs.delete(run)
    this.log.info({ executor: run.executorId, exitCode: code }, 'executor exited')
    const why = run.reregistrationTimedOut
      ? 'Executor did not re-subscribe after the agent restarted'
      : code === -1
        ? 'Executor terminated (its exit status is unknown after an agent restart)'
        : `Executor exited with status ${code}`
    const limitation = run.container.limitation
    for (const t of run.tasks.values()) {
      if (isTerminal(t.state)) continue
      if (limitation) {
        const { limitMb, usedMb, by } = limitation
        const how =
          by === 'cgroup'
            ? `the kernel OOM-killed it in its cgroup, whose limit includes ${BUILTIN_EXECUTOR_ALLOWANCE_MB}MB for a built-in executor`
            : "resident memory of the task's process tree; killed by the agent"
        this.agentStatus(
          run,
          run.frameworkId,
          t.info,
          'TASK_FAILED',
          'REASON_CONTAINER_LIMITATION_MEMORY',
          `Memory limit exceeded: Requested: ${limitMb}MB Maximum Used: ${usedMb}MB (${how})`,
          {
            limitation: { resources: [{ name: 'mem', type: 'SCALAR', scalar: { value: limitMb } }] },
          },
        )
        continue
      }
      const state: TaskState = t.killRequested || run.shuttingDown ? 'TASK_KILLED' : 'TASK_FAILED'
      this.agentStatus(
        run,
        run.frameworkId,
        t.info,
        state,
        run.reregistrationTimedOut ? 'REASON_EXECUTOR_REREGISTRATION_TIMEOUT' : 'REASON_EXECUTOR_TERMINATED',
        why,
      )
    }
    // Its unacknowledged updates stay checkpointed on their own (task.updates) until acknowledged.
    if (run.framework.checkpoint) this.recovery.removeRun(run)
    // As Mesos, the exit of an executor the agent generated for a command task is not reported.
    if (run.commandExecutor) return
    await this.link.post({
      type: 'EXITED_EXECUTOR',
      exited_executor: {
        framework_id: { value: run.frameworkId },
        executor_id: { value: run.executorId },
        status: code,
      },
    })
  }

  /**
   * KILL: forwards to the executor; if the executor has not subscribed, or is still alive after the
   * kill policy's grace period (+ the shutdown grace), its process group is stopped (SIGTERM, SIGKILL).
   */
  private async killTask(frameworkId: string, taskId: string, graceNanos?: number): Promise<void> {
    const found = this.runs.findTask(frameworkId, taskId)
    if (!found) {
      this.log.warn({ task: taskId }, 'KILL for an unknown task')
      return
    }
    const { run, task } = found
    task.killRequested = true
    this.recovery.saveRun(run)
    this.log.info({ task: taskId, executor: run.executorId }, 'killing task')
    if (!run.stream || !run.container.process) {
      run.queued = run.queued.filter((q) => q.task_id.value !== taskId)
      if (run.container.process) await this.containerizer.stop(run.container)
      else {
        run.shuttingDown = true
        this.agentStatus(
          run,
          frameworkId,
          task.info,
          'TASK_KILLED',
          'REASON_TASK_KILLED_DURING_LAUNCH',
          'Task killed before its executor started',
        )
      }
      return
    }
    this.executorApi.send(run, {
      type: 'KILL',
      kill: {
        task_id: { value: taskId },
        kill_policy: graceNanos ? { grace_period: { nanoseconds: graceNanos } } : undefined,
      },
    })
    const waitMs = (graceNanos ? graceNanos / 1e6 : 60_000) + this.graceMs
    const timer = setTimeout(() => {
      if (this.runs.isCurrent(run) && !isTerminal(task.state)) {
        this.log.warn({ task: taskId, waitMs }, 'executor did not finish the kill in time; stopping its process group')
        void this.containerizer.stop(run.container)
      }
    }, waitMs)
    timer.unref()
  }

  /** SHUTDOWN an executor: SHUTDOWN event, then SIGTERM/SIGKILL of its group after the grace period. */
  private async shutdownExecutor(run: ExecutorRun, why: string): Promise<void> {
    run.shuttingDown = true
    this.log.info({ executor: run.executorId, why }, 'shutting down executor')
    if (run.stream) this.executorApi.send(run, { type: 'SHUTDOWN' })
    const launched = run.container.process
    if (!launched) return
    const exited = await Promise.race([
      launched.exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), this.graceMs * 3)),
    ])
    if (!exited) await this.containerizer.stop(run.container)
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
