import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { EventStream } from '../http/index.js'
import { readRecords } from '../http/index.js'
import {
  type AgentInfo,
  type Attribute,
  type agent as agentMsg,
  decode,
  type ExecutorInfo,
  encode,
  type executor as executorMsg,
  type FrameworkInfo,
  isPersistentVolume,
  isTerminal,
  newUuidBase64,
  PROTOBUF_TYPE,
  type Resource,
  scalarSum,
  type TaskGroupInfo,
  type TaskInfo,
  type TaskState,
  type TaskStatus,
} from '../proto/index.js'
import { Cgroups2 } from './cgroups.js'
import { Checkpoint, processStartTime, type RunCheckpoint, sameProcessAlive } from './checkpoint.js'
import { commandExecutorEntry, commandExecutorInfo } from './command-executor-launch.js'
import { fetchUris } from './fetcher.js'
import { type LaunchedProcess, launchCommand, signalGroup, stopGroup } from './launcher.js'
import { allProcesses, killTree, type TreeUsage, treeUsage } from './monitor.js'
import { StatusUpdateManager } from './status-updates.js'
import { AgentResources } from './volumes.js'

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

interface TaskRun {
  info: TaskInfo
  state: TaskState
  killRequested: boolean
}

interface ExecutorRun {
  frameworkId: string
  framework: FrameworkInfo
  executorId: string
  info: ExecutorInfo
  containerId: string
  sandbox: string
  process?: LaunchedProcess
  stream?: EventStream
  /** tasks waiting for the executor to subscribe */
  queued: TaskInfo[]
  tasks: Map<string, TaskRun>
  /** the built-in command executor of a command task (its ExecutorInfo was synthesised here) */
  commandExecutor: boolean
  shuttingDown: boolean
  /** the executor subscribed at least once */
  subscribedOnce: boolean
  /** start time of the executor process (/proc), checkpointed against pid reuse */
  pidStart?: string
  /** found again from the checkpoint after an agent restart, not yet re-subscribed */
  recovered?: boolean
  /** killed because it did not re-subscribe after the agent restarted */
  reregistrationTimedOut?: boolean
  /** the built-in default executor of a LAUNCH_GROUP (ExecutorInfo type DEFAULT) */
  defaultExecutor?: boolean
  /** the latest sample of its process tree (epoch seconds) */
  usage?: TreeUsage & { timestamp: number; memLimitBytes: number; memPeakBytes: number }
  /** killed by the memory supervisor or the kernel (cgroup OOM): its limit and what it used (MB) */
  memLimitation?: { limitMb: number; usedMb: number; by: 'supervisor' | 'cgroup' }
  /** its cgroup v2 directory, when the agent isolates memory with cgroups */
  cgroup?: string
}

/** Memory the built-in command and default executors' own Node.js process may use on top of their tasks' mem under cgroups (MB). */
const BUILTIN_EXECUTOR_ALLOWANCE_MB = 64

/** How long a call to the master may take before it counts as failed (ms). */
const CALL_TIMEOUT_MS = 15_000

/** Polls a process that is not our child (recovered after an agent restart) until it is gone. */
function waitForExit(pid: number, start: string | undefined): Promise<number> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (sameProcessAlive(pid, start)) return
      clearInterval(timer)
      resolve(-1) // not our child: its exit status is unknown
    }, 250)
    timer.unref()
  })
}

/**
 * The agent: registers with the master, launches executors in per-task sandboxes (own process
 * groups), serves the v1 executor API, and forwards status updates until acknowledged.
 */
export class Agent {
  private agentId?: string
  private readonly executors = new Map<string, ExecutorRun>()
  private readonly updates: StatusUpdateManager
  private abort?: AbortController
  private stopped = false
  private readonly log: Logger
  private readonly graceMs: number
  private registeredOnce?: () => void
  readonly registered: Promise<void>
  private readonly checkpoint: Checkpoint
  /** frameworks with checkpoint=true that have (had) work here: their runs and updates are checkpointed */
  private readonly checkpointing = new Set<string>()
  /** fires when the master has not pinged for its total ping timeout: the link is dropped (see onMasterEvent) */
  private pingWatchdog?: NodeJS.Timeout
  private pingTimeoutMs?: number
  /** dynamic reservations and persistent volumes (checkpointed; reported on REGISTER) */
  private readonly resources: AgentResources
  private checkpointedResources: Resource[] = []
  private monitor?: NodeJS.Timeout
  /** cgroup v2 memory isolation when available and writable (else only the /proc supervisor) */
  private readonly cgroups?: Cgroups2

  constructor(private readonly options: AgentOptions) {
    this.log = options.logger
    this.graceMs = options.executorShutdownGraceMs ?? 5_000
    this.checkpoint = new Checkpoint(options.workDir)
    this.resources = new AgentResources(options.workDir)
    this.cgroups = options.enforceMemoryLimits === false ? undefined : Cgroups2.detect()
    this.log.info(
      {
        memoryIsolation:
          options.enforceMemoryLimits === false
            ? 'off (accounting only)'
            : this.cgroups
              ? `cgroup v2 (${this.cgroups.base}) and /proc supervisor`
              : '/proc supervisor (no writable cgroup v2)',
      },
      'memory isolation',
    )
    this.updates = new StatusUpdateManager(
      (fw, status) => this.forwardStatus(fw, status),
      undefined,
      undefined,
      (fw, taskId, queue) => {
        if (this.checkpointing.has(fw))
          this.safely('checkpoint status updates', () => this.checkpoint.saveUpdates(fw, taskId, queue))
      },
    )
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
    if (this.options.recover !== false) this.safely('recovery', () => this.recover())
    // Reservations and volumes belong to this agent id: kept only when the id was recovered.
    if (this.agentId) this.checkpointedResources = this.resources.load()
    this.monitor = setInterval(
      () => this.safely('monitor', () => this.sampleExecutors()),
      this.options.monitorIntervalMs ?? 500,
    )
    this.monitor.unref()
    void this.linkLoop()
  }

  private safely(what: string, f: () => void): void {
    try {
      f()
    } catch (e) {
      this.log.error({ err: (e as Error).message, what }, 'checkpoint I/O failed')
    }
  }

  // ------------------------------------------------------------------ checkpoint and recovery

  /** Writes the run's checkpoint if its framework checkpoints. */
  private saveRun(run: ExecutorRun): void {
    if (!run.framework.checkpoint) return
    const cp: RunCheckpoint = {
      frameworkId: run.frameworkId,
      framework: run.framework,
      executorId: run.executorId,
      info: run.info,
      commandExecutor: run.commandExecutor,
      defaultExecutor: run.defaultExecutor,
      containerId: run.containerId,
      sandbox: run.sandbox,
      pid: run.process?.pid,
      pidStart: run.pidStart,
      subscribedOnce: run.subscribedOnce,
      tasks: [...run.tasks.values()].map((t) => ({ info: t.info, state: t.state, killRequested: t.killRequested })),
      queued: run.queued.map((t) => t.task_id.value),
    }
    this.safely('checkpoint run', () => this.checkpoint.saveRun(cp))
  }

  /**
   * After a restart (kill -9 included): the same agent id; executors of checkpointing frameworks that
   * still run are re-attached (they re-subscribe on their own), their tasks reported to the master on
   * REGISTER; executors that died meanwhile fail their tasks; unacknowledged updates are re-sent.
   * Nothing is launched again.
   */
  private recover(): void {
    const id = this.checkpoint.agentId(this.address)
    if (id) this.agentId = id
    else if (this.checkpoint.agentId()) {
      this.log.warn(
        { workDir: this.options.workDir, ...this.address },
        'the checkpoint in the work dir is of an agent with another address; starting as a new agent',
      )
      return
    }
    // Checkpointed updates first, so that they keep their order before anything said now.
    for (const u of this.checkpoint.updates()) {
      this.checkpointing.add(u.frameworkId)
      for (const status of u.updates) this.updates.enqueue(u.frameworkId, status)
    }
    const { runs, problems } = this.checkpoint.runs()
    for (const p of problems) this.log.warn({ problem: p }, 'unreadable checkpoint skipped')
    const reattached: ExecutorRun[] = []
    for (const cp of runs) {
      this.checkpointing.add(cp.frameworkId)
      const run: ExecutorRun = {
        frameworkId: cp.frameworkId,
        framework: cp.framework,
        executorId: cp.executorId,
        info: cp.info,
        containerId: cp.containerId,
        sandbox: cp.sandbox,
        queued: cp.tasks.filter((t) => cp.queued.includes(t.info.task_id.value)).map((t) => t.info),
        tasks: new Map(cp.tasks.map((t) => [t.info.task_id.value, { ...t }])),
        commandExecutor: cp.commandExecutor,
        defaultExecutor: cp.defaultExecutor,
        shuttingDown: false,
        subscribedOnce: cp.subscribedOnce,
        pidStart: cp.pidStart,
        recovered: true,
      }
      if (cp.pid && sameProcessAlive(cp.pid, cp.pidStart)) {
        run.process = { pid: cp.pid, exited: waitForExit(cp.pid, cp.pidStart) }
        this.executors.set(`${run.frameworkId}/${run.executorId}`, run)
        void run.process.exited.then((code) => this.executorExited(run, code))
        reattached.push(run)
        this.log.info(
          { executor: run.executorId, framework: run.frameworkId, pid: cp.pid, tasks: run.tasks.size },
          'recovered a running executor from the checkpoint',
        )
      } else {
        this.log.warn(
          { executor: run.executorId, framework: run.frameworkId, pid: cp.pid },
          'checkpointed executor is gone; failing its tasks',
        )
        for (const t of run.tasks.values()) {
          if (!isTerminal(t.state))
            this.agentStatus(
              run,
              run.frameworkId,
              t.info,
              'TASK_FAILED',
              'REASON_EXECUTOR_TERMINATED',
              'Executor terminated while the agent was down',
            )
        }
        this.safely('remove run checkpoint', () =>
          this.checkpoint.removeRun(run.frameworkId, run.executorId, run.containerId),
        )
      }
    }
    if (reattached.length === 0) return
    const timeoutMs = this.options.executorReregisterTimeoutMs ?? 10_000
    const timer = setTimeout(() => {
      for (const run of reattached) {
        if (!run.recovered || run.stream || this.executors.get(`${run.frameworkId}/${run.executorId}`) !== run) continue
        this.log.warn(
          { executor: run.executorId, timeoutMs },
          'recovered executor did not re-subscribe in time; killing it',
        )
        run.reregistrationTimedOut = true
        void stopGroup(run.process!.pid, this.graceMs)
      }
    }, timeoutMs)
    timer.unref()
  }

  // ------------------------------------------------------------------ master link

  private async linkLoop(): Promise<void> {
    // With several masters (HA) the next one is tried soon: it redirects to the new leader.
    const first = this.masters.length > 1 ? 250 : 500
    const cap = this.masters.length > 1 ? 2000 : 10_000
    let backoff = first
    while (!this.stopped) {
      try {
        await this.linkOnce()
        backoff = first
      } catch (e) {
        if (this.stopped) break
        this.log.warn(
          { err: (e as Error).message, master: this.currentMaster, retryInMs: backoff },
          'link to the master failed',
        )
        this.nextMaster()
      }
      if (this.stopped) break
      await new Promise((r) => setTimeout(r, backoff))
      backoff = Math.min(backoff * 2, cap)
    }
  }

  private async linkOnce(): Promise<void> {
    this.abort = new AbortController()
    const tasks: TaskInfo[] = []
    const frameworkIds = new Set<string>()
    for (const e of this.executors.values()) {
      frameworkIds.add(e.frameworkId)
      for (const t of e.tasks.values())
        if (!isTerminal(t.state))
          tasks.push({
            ...t.info,
            executor: { ...(t.info.executor ?? e.info), framework_id: { value: e.frameworkId } },
          })
    }
    const call: agentMsg.Call = {
      type: 'REGISTER',
      agent_id: this.agentId ? { value: this.agentId } : undefined,
      register: {
        agent_info: this.info,
        tasks,
        framework_ids: [...frameworkIds].map((value) => ({ value })),
        checkpointed_resources: this.checkpointedResources,
      },
    }
    const res = await this.fetchMaster({
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE, Accept: PROTOBUF_TYPE },
      body: Buffer.from(encode('kafka_mesos.agent.Call', call, PROTOBUF_TYPE)),
      signal: this.abort.signal,
    })
    if (res.status !== 200 || !res.body) throw new Error(`REGISTER answered ${res.status}: ${await res.text()}`)
    try {
      for await (const record of readRecords(res.body)) {
        const event = decode<agentMsg.Event>('kafka_mesos.agent.Event', record, PROTOBUF_TYPE)
        await this.onMasterEvent(event)
      }
    } finally {
      if (this.pingWatchdog) clearTimeout(this.pingWatchdog)
      this.pingWatchdog = undefined
    }
    throw new Error(
      this.abort.signal.aborted && !this.stopped
        ? 'no PING from the master within its ping timeout'
        : 'master closed the link',
    )
  }

  /** Every known master (`--master h1:p1,h2:p2`); `currentMaster` is the one the link uses. */
  private get masters(): string[] {
    return this.options.master
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean)
  }
  private currentMasterValue?: string
  private get currentMaster(): string {
    return this.currentMasterValue ?? this.masters[0]
  }
  private nextMaster(): void {
    const list = this.masters
    this.currentMasterValue = list[(list.indexOf(this.currentMaster) + 1) % list.length]
  }

  /**
   * POSTs to the current master's `/internal/agent`, following a non-leading HA master's 307 to the
   * leader (which then becomes the current master).
   */
  private async fetchMaster(init: RequestInit): Promise<Response> {
    for (let hop = 0; hop < 3; hop++) {
      const res = await fetch(`http://${this.currentMaster}/internal/agent`, { ...init, redirect: 'manual' })
      if (res.status !== 307) return res
      const location = res.headers.get('location')
      await res.arrayBuffer().catch(() => undefined)
      if (!location) return res
      this.currentMasterValue = new URL(location.startsWith('//') ? `http:${location}` : location).host
    }
    throw new Error('too many redirects between masters')
  }

  private async postToMaster(call: agentMsg.Call): Promise<boolean> {
    if (!this.agentId) return false
    try {
      const res = await this.fetchMaster({
        method: 'POST',
        headers: { 'Content-Type': PROTOBUF_TYPE },
        body: Buffer.from(
          encode('kafka_mesos.agent.Call', { ...call, agent_id: { value: this.agentId } }, PROTOBUF_TYPE),
        ),
        // a master cut off by a partition never answers: give up, the caller retries (updates) or the next PING does
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      })
      await res.arrayBuffer()
      return res.status === 202
    } catch {
      return false
    }
  }

  private forwardStatus(frameworkId: string, status: TaskStatus): Promise<boolean> {
    return this.postToMaster({ type: 'STATUS_UPDATE', status_update: { framework_id: { value: frameworkId }, status } })
  }

  private async onMasterEvent(event: agentMsg.Event): Promise<void> {
    switch (event.type) {
      case 'REGISTERED':
        this.agentId = event.registered!.agent_id.value
        if (this.checkpoint.agentId(this.address) !== this.agentId)
          this.safely('checkpoint agent id', () => this.checkpoint.saveAgentId(this.agentId!, this.address))
        this.log.info({ agent: this.agentId, master: this.currentMaster }, 'registered with the master')
        this.pingTimeoutMs = event.registered!.total_ping_timeout_seconds
          ? event.registered!.total_ping_timeout_seconds * 1000
          : undefined
        this.armPingWatchdog()
        this.registeredOnce?.()
        this.updates.resendAll()
        return
      case 'PING':
        // Mesos's agent answers every ping and re-registers when pings stop coming (§4.3).
        this.armPingWatchdog()
        void this.postToMaster({ type: 'PONG' })
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
        const run = this.executors.get(`${m.framework_id.value}/${m.executor_id.value}`)
        if (run?.stream) this.sendExecutor(run, { type: 'MESSAGE', message: { data: m.data } })
        return
      }
      case 'SHUTDOWN_FRAMEWORK': {
        const fw = event.shutdown_framework!.framework_id.value
        for (const run of this.executors.values())
          if (run.frameworkId === fw) void this.shutdownExecutor(run, 'framework removed')
        return
      }
      default:
        return
    }
  }

  /**
   * (Re)starts the timer after which a silent master (no PING for its total ping timeout, e.g. a
   * network partition) is given up: the link is aborted and the agent registers again.
   */
  private armPingWatchdog(): void {
    if (this.pingWatchdog) clearTimeout(this.pingWatchdog)
    if (!this.pingTimeoutMs) return
    const abort = this.abort
    this.pingWatchdog = setTimeout(() => {
      this.log.warn(
        { master: this.currentMaster, timeoutMs: this.pingTimeoutMs },
        'no PING from the master in time; dropping the link and registering again',
      )
      abort?.abort()
    }, this.pingTimeoutMs)
    this.pingWatchdog.unref()
  }

  // ------------------------------------------------------------------ tasks and executors

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
    if (run && this.executors.get(`${run.frameworkId}/${run.executorId}`) === run) this.saveRun(run)
  }

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
    const info: ExecutorInfo = {
      ...executor,
      type: 'DEFAULT',
      framework_id: { value: frameworkId },
      name: executor.name ?? `Default Executor (${executor.executor_id.value})`,
      command: {
        shell: false,
        value: entry.file,
        arguments: [entry.file, ...entry.args],
        environment: { variables: [{ name: 'KM_DEFAULT_EXECUTOR', value: '1' }] },
      },
    }
    return this.launchOn(framework, info, tasks, 'default')
  }

  /** Where a task of this run sees its sandbox (the default executor gives each task its own). */
  private taskSandbox(run: ExecutorRun, task: TaskInfo): string {
    return run.defaultExecutor ? join(run.sandbox, 'tasks', task.task_id.value) : run.sandbox
  }

  /** Makes the persistent volumes of `tasks` (and of the executor) visible in their sandboxes. */
  private linkVolumes(run: ExecutorRun, tasks: TaskInfo[], withExecutor: boolean): void {
    if (withExecutor && (run.info.resources ?? []).some(isPersistentVolume))
      this.resources.link(run.sandbox, run.info.resources ?? [])
    for (const t of tasks) {
      if (!(t.resources ?? []).some(isPersistentVolume)) continue
      const linked = this.resources.link(this.taskSandbox(run, t), t.resources ?? [])
      this.log.info({ task: t.task_id.value, volumes: linked }, 'persistent volumes linked into the sandbox')
    }
  }

  /** Sends tasks to a subscribed executor: one LAUNCH_GROUP for the default executor, LAUNCH each otherwise. */
  private deliver(run: ExecutorRun, tasks: TaskInfo[]): void {
    if (tasks.length === 0) return
    if (run.defaultExecutor) this.sendExecutor(run, { type: 'LAUNCH_GROUP', launch_group: { task_group: { tasks } } })
    else for (const task of tasks) this.sendExecutor(run, { type: 'LAUNCH', launch: { task } })
  }

  /** Starts the executor of `tasks` (or hands them to the running one), in a fresh sandbox. */
  private async launchOn(
    framework: FrameworkInfo,
    executorInfo: ExecutorInfo,
    tasks: TaskInfo[],
    kind: 'command' | 'custom' | 'default',
  ): Promise<void> {
    const frameworkId = framework.id!.value
    const executorId = executorInfo.executor_id.value
    const key = `${frameworkId}/${executorId}`
    if (framework.checkpoint) this.checkpointing.add(frameworkId)
    let run = this.executors.get(key)
    if (run && !run.shuttingDown) {
      for (const task of tasks)
        run.tasks.set(task.task_id.value, { info: task, state: 'TASK_STAGING', killRequested: false })
      try {
        this.linkVolumes(run, tasks, false)
      } catch (e) {
        for (const task of tasks)
          this.agentStatus(
            run,
            frameworkId,
            task,
            'TASK_FAILED',
            'REASON_CONTAINER_LAUNCH_FAILED',
            `Cannot link the task's persistent volumes: ${(e as Error).message}`,
          )
        return
      }
      if (run.cgroup)
        this.safely('cgroup limit', () => this.cgroups!.setLimit(run!.cgroup!, this.cgroupLimitBytes(run!)))
      if (run.stream) this.deliver(run, tasks)
      else run.queued.push(...tasks)
      this.saveRun(run)
      return
    }
    const containerId = randomUUID()
    const sandbox = join(
      this.options.workDir,
      'slaves',
      this.agentId ?? 'unknown',
      'frameworks',
      frameworkId,
      'executors',
      executorId,
      'runs',
      containerId,
    )
    run = {
      frameworkId,
      framework,
      executorId,
      info: executorInfo,
      commandExecutor: kind === 'command',
      defaultExecutor: kind === 'default',
      containerId,
      sandbox,
      queued: [...tasks],
      tasks: new Map(),
      shuttingDown: false,
      subscribedOnce: false,
    }
    for (const task of tasks)
      run.tasks.set(task.task_id.value, { info: task, state: 'TASK_STAGING', killRequested: false })
    this.executors.set(key, run)
    this.log.info(
      { tasks: tasks.map((t) => t.task_id.value), executor: executorId, sandbox, kind },
      'launching executor',
    )
    try {
      await mkdir(sandbox, { recursive: true })
      this.linkVolumes(run, tasks, true)
      await fetchUris(executorInfo.command?.uris ?? [], sandbox, join(this.options.workDir, 'cache'))
      if (run.shuttingDown) throw new Error('killed while fetching')
      const dataDir = join(this.options.workDir, 'data')
      await mkdir(dataDir, { recursive: true })
      run.process = launchCommand(executorInfo.command ?? {}, sandbox, this.executorEnv(run, dataDir))
      this.joinCgroup(run)
      run.pidStart = processStartTime(run.process.pid)
      this.saveRun(run)
    } catch (e) {
      const message = `Failed to launch the executor: ${(e as Error).message}`
      this.log.error({ tasks: tasks.map((t) => t.task_id.value), err: (e as Error).message }, 'executor launch failed')
      for (const task of tasks)
        this.agentStatus(run, frameworkId, task, 'TASK_FAILED', 'REASON_CONTAINER_LAUNCH_FAILED', message)
      this.executors.delete(key)
      return
    }
    const launched = run
    void launched.process!.exited.then((code) => this.executorExited(launched, code))
  }

  // ------------------------------------------------------------------ isolation and statistics

  /** A run's cgroup limit: its mem, plus an allowance for a built-in executor's own process. */
  private cgroupLimitBytes(run: ExecutorRun): number {
    return (
      (this.memLimitMb(run) + (run.commandExecutor || run.defaultExecutor ? BUILTIN_EXECUTOR_ALLOWANCE_MB : 0)) *
      1024 *
      1024
    )
  }

  /** Puts a just-spawned executor into its own cgroup v2 with its memory limit (when cgroups are in use and it has a limit). */
  private joinCgroup(run: ExecutorRun): void {
    if (!this.cgroups || !run.process || this.memLimitMb(run) <= 0) return
    try {
      const dir = this.cgroups.create(run.containerId, this.cgroupLimitBytes(run))
      this.cgroups.addProcess(dir, run.process.pid)
      run.cgroup = dir
    } catch (e) {
      this.log.warn(
        { executor: run.executorId, err: (e as Error).message },
        'could not put the executor into a cgroup; the /proc supervisor alone limits its memory',
      )
    }
  }

  /** Memory limit of a run (MB): the mem of its executor and of its tasks that are not over. */
  private memLimitMb(run: ExecutorRun): number {
    let mb = scalarSum(run.info.resources, 'mem')
    for (const t of run.tasks.values()) if (!isTerminal(t.state)) mb += scalarSum(t.info.resources, 'mem')
    return mb
  }

  /**
   * One /proc sample of every executor's process tree (cpu time, RSS); a tree over its memory limit
   * is killed (SIGKILL) and its tasks fail with REASON_CONTAINER_LIMITATION_MEMORY. The built-in
   * command and default executors' own Node.js process is not counted against the tasks' limit (Mesos
   * gives its command executor an allowance of its own too).
   */
  private sampleExecutors(): void {
    const runs = [...this.executors.values()].filter((r) => r.process)
    if (runs.length === 0) return
    const procs = allProcesses()
    const now = Date.now() / 1000
    for (const run of runs) {
      const u = treeUsage(run.process!.pid, procs)
      const limitMb = this.memLimitMb(run)
      const builtin = run.commandExecutor || !!run.defaultExecutor
      const counted = builtin ? u.memRssBytesWithoutRoot : u.memRssBytes
      run.usage = {
        ...u,
        timestamp: now,
        memLimitBytes: limitMb * 1024 * 1024,
        memPeakBytes: Math.max(run.usage?.memPeakBytes ?? 0, u.memRssBytes),
      }
      if (
        this.options.enforceMemoryLimits === false ||
        limitMb <= 0 ||
        run.memLimitation ||
        counted <= limitMb * 1024 * 1024
      )
        continue
      run.memLimitation = { limitMb, usedMb: Math.ceil(counted / (1024 * 1024)), by: 'supervisor' }
      this.log.warn(
        { executor: run.executorId, limitMb, usedMb: run.memLimitation.usedMb, pids: u.pids },
        "memory limit exceeded: killing the executor's process tree",
      )
      killTree(u.pids)
    }
  }

  /**
   * Per-executor usage as Mesos `/monitor/statistics` (ResourceStatistics subset): cpu times (s),
   * RSS and limit (bytes), process count, cpus limit.
   */
  statistics() {
    return [...this.executors.values()].map((run) => ({
      executor_id: run.executorId,
      executor_name: run.info.name ?? run.executorId,
      framework_id: run.frameworkId,
      container_id: run.containerId,
      source: [...run.tasks.keys()][0] ?? run.executorId,
      statistics: {
        timestamp: run.usage?.timestamp ?? Date.now() / 1000,
        cpus_user_time_secs: run.usage?.cpusUserTimeSecs ?? 0,
        cpus_system_time_secs: run.usage?.cpusSystemTimeSecs ?? 0,
        cpus_limit:
          Math.round(
            (scalarSum(run.info.resources, 'cpus') +
              [...run.tasks.values()]
                .filter((t) => !isTerminal(t.state))
                .reduce((n, t) => n + scalarSum(t.info.resources, 'cpus'), 0)) *
              1000,
          ) / 1000,
        mem_rss_bytes: run.usage?.memRssBytes ?? 0,
        mem_limit_bytes: this.memLimitMb(run) * 1024 * 1024,
        mem_max_rss_bytes: run.usage?.memPeakBytes ?? 0,
        processes: run.usage?.pids.length ?? 0,
      },
    }))
  }

  /** Environment of an executor process (mesos-api.md §2 table) plus KM_DATA_DIR. */
  private executorEnv(run: ExecutorRun, dataDir: string): Record<string, string> {
    const vars: Record<string, string> = {}
    for (const v of run.info.command?.environment?.variables ?? []) if (v.value !== undefined) vars[v.name] = v.value
    return {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/root',
      ...(process.env.JAVA_HOME ? { JAVA_HOME: process.env.JAVA_HOME } : {}),
      ...vars,
      MESOS_FRAMEWORK_ID: run.frameworkId,
      MESOS_EXECUTOR_ID: run.executorId,
      MESOS_DIRECTORY: run.sandbox,
      MESOS_SANDBOX: run.sandbox,
      MESOS_AGENT_ENDPOINT: `${this.options.host}:${this.options.port}`,
      MESOS_SLAVE_ID: this.agentId ?? '',
      MESOS_SLAVE_PID: `slave(1)@${this.options.host}:${this.options.port}`,
      MESOS_CHECKPOINT: run.framework.checkpoint ? '1' : '0',
      MESOS_HTTP_COMMAND_EXECUTOR: run.commandExecutor ? '1' : '0',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: `${Math.round(this.graceMs / 1000)}secs`,
      // only for checkpointing frameworks: how long and how often to retry SUBSCRIBE after losing the agent
      ...(run.framework.checkpoint
        ? { MESOS_RECOVERY_TIMEOUT: '15mins', MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs' }
        : {}),
      KM_DATA_DIR: dataDir,
    }
  }

  private async executorExited(run: ExecutorRun, code: number): Promise<void> {
    // Nothing of the executor's tree may outlive it (e.g. a Kafka JVM after kill -9 of the executor).
    signalGroup(run.process!.pid, 'SIGKILL')
    run.stream?.close()
    this.executors.delete(`${run.frameworkId}/${run.executorId}`)
    this.log.info({ executor: run.executorId, exitCode: code }, 'executor exited')
    const why = run.reregistrationTimedOut
      ? 'Executor did not re-subscribe after the agent restarted'
      : code === -1
        ? 'Executor terminated (its exit status is unknown after an agent restart)'
        : `Executor exited with status ${code}`
    if (run.cgroup && this.cgroups) {
      const dir = run.cgroup
      if (!run.memLimitation && this.cgroups.oomKilled(dir)) {
        const limitMb = this.memLimitMb(run)
        run.memLimitation = {
          limitMb,
          usedMb: Math.ceil((this.cgroups.peakBytes(dir) ?? this.cgroupLimitBytes(run)) / (1024 * 1024)),
          by: 'cgroup',
        }
        this.log.warn(
          { executor: run.executorId, limitMb },
          'the kernel OOM-killed the executor in its cgroup: memory limit exceeded',
        )
      }
      const cgroups = this.cgroups
      setTimeout(() => cgroups.remove(dir), 1000).unref()
    }
    for (const t of run.tasks.values()) {
      if (isTerminal(t.state)) continue
      if (run.memLimitation) {
        const { limitMb, usedMb, by } = run.memLimitation
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
    if (run.framework.checkpoint)
      this.safely('remove run checkpoint', () =>
        this.checkpoint.removeRun(run.frameworkId, run.executorId, run.containerId),
      )
    // As Mesos, the exit of an executor the agent generated for a command task is not reported.
    if (run.commandExecutor) return
    await this.postToMaster({
      type: 'EXITED_EXECUTOR',
      exited_executor: {
        framework_id: { value: run.frameworkId },
        executor_id: { value: run.executorId },
        status: code,
      },
    })
  }

  private findTask(frameworkId: string, taskId: string): { run: ExecutorRun; task: TaskRun } | undefined {
    for (const run of this.executors.values()) {
      if (run.frameworkId !== frameworkId) continue
      const task = run.tasks.get(taskId)
      if (task) return { run, task }
    }
    return undefined
  }

  /**
   * KILL: forwards to the executor; if the executor has not subscribed, or is still alive after the
   * kill policy's grace period (+ the shutdown grace), its process group is stopped (SIGTERM, SIGKILL).
   */
  private async killTask(frameworkId: string, taskId: string, graceNanos?: number): Promise<void> {
    const found = this.findTask(frameworkId, taskId)
    if (!found) {
      this.log.warn({ task: taskId }, 'KILL for an unknown task')
      return
    }
    const { run, task } = found
    task.killRequested = true
    this.saveRun(run)
    this.log.info({ task: taskId, executor: run.executorId }, 'killing task')
    if (!run.stream || !run.process) {
      run.queued = run.queued.filter((q) => q.task_id.value !== taskId)
      if (run.process) await stopGroup(run.process.pid, this.graceMs)
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
    this.sendExecutor(run, {
      type: 'KILL',
      kill: {
        task_id: { value: taskId },
        kill_policy: graceNanos ? { grace_period: { nanoseconds: graceNanos } } : undefined,
      },
    })
    const waitMs = (graceNanos ? graceNanos / 1e6 : 60_000) + this.graceMs
    const timer = setTimeout(() => {
      if (this.executors.get(`${run.frameworkId}/${run.executorId}`) === run && !isTerminal(task.state)) {
        this.log.warn({ task: taskId, waitMs }, 'executor did not finish the kill in time; stopping its process group')
        void stopGroup(run.process!.pid, this.graceMs)
      }
    }, waitMs)
    timer.unref()
  }

  /** SHUTDOWN an executor: SHUTDOWN event, then SIGTERM/SIGKILL of its group after the grace period. */
  private async shutdownExecutor(run: ExecutorRun, why: string): Promise<void> {
    run.shuttingDown = true
    this.log.info({ executor: run.executorId, why }, 'shutting down executor')
    if (run.stream) this.sendExecutor(run, { type: 'SHUTDOWN' })
    if (!run.process) return
    const pid = run.process.pid
    const exited = await Promise.race([
      run.process.exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), this.graceMs * 3)),
    ])
    if (!exited) await stopGroup(pid, this.graceMs)
  }

  /** Stops the agent: shuts every executor down (their Kafka JVMs included) and closes the link. */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.monitor) clearInterval(this.monitor)
    await Promise.all([...this.executors.values()].map((run) => this.shutdownExecutor(run, 'agent stopping')))
    this.updates.stop()
    this.abort?.abort()
  }

  // ------------------------------------------------------------------ v1 executor API

  private sendExecutor(run: ExecutorRun, event: executorMsg.Event): void {
    run.stream?.send(encode('mesos.v1.executor.Event', event, 'application/json'))
  }

  /**
   * Executor SUBSCRIBE: replays the executor's unacknowledged updates, answers SUBSCRIBED, then sends
   * the LAUNCH events queued for it (mesos-api.md §2).
   * @returns an error message (400) when the framework or executor is unknown
   */
  subscribeExecutor(call: executorMsg.Call, stream: EventStream): string | undefined {
    const run = this.executors.get(`${call.framework_id.value}/${call.executor_id.value}`)
    if (!run) return `Executor ${call.executor_id.value} of framework ${call.framework_id.value} is unknown`
    run.stream?.close()
    run.stream = stream
    stream.onClose(() => {
      if (run.stream === stream) run.stream = undefined
    })
    // Updates the executor sent while nobody took them (e.g. while this agent was down): taken now.
    const replayed = call.subscribe?.unacknowledged_updates ?? []
    for (const u of replayed) {
      const task = run.tasks.get(u.status.task_id.value)
      if (task && u.status.state !== 'TASK_STAGING') task.state = u.status.state
      this.updates.enqueue(run.frameworkId, {
        ...u.status,
        source: 'SOURCE_EXECUTOR',
        agent_id: this.agentId ? { value: this.agentId } : undefined,
        executor_id: { value: run.executorId },
      })
    }
    this.log.info(
      { executor: run.executorId, resubscribed: run.subscribedOnce, replayedUpdates: replayed.length },
      run.recovered ? 'recovered executor re-subscribed' : 'executor subscribed',
    )
    run.subscribedOnce = true
    run.recovered = false
    this.sendExecutor(run, {
      type: 'SUBSCRIBED',
      subscribed: {
        executor_info: run.info,
        framework_info: run.framework,
        agent_info: this.info,
        container_id: { value: run.containerId },
      },
    })
    for (const u of replayed)
      if (u.status.uuid)
        this.sendExecutor(run, {
          type: 'ACKNOWLEDGED',
          acknowledged: { task_id: u.status.task_id, uuid: u.status.uuid },
        })
    this.deliver(run, run.queued.splice(0))
    this.saveRun(run)
    return undefined
  }

  /**
   * Executor UPDATE: validated as Mesos (uuid of 16 bytes, not TASK_STAGING), acknowledged to the
   * executor at once, queued for the master.
   * @returns an error message (400) or undefined
   */
  executorUpdate(call: executorMsg.Call): string | undefined {
    const run = this.executors.get(`${call.framework_id.value}/${call.executor_id.value}`)
    if (!run) return `Executor ${call.executor_id.value} of framework ${call.framework_id.value} is unknown`
    const status = call.update?.status
    if (!status) return "Expecting 'update' to be present"
    if (!status.uuid || Buffer.from(status.uuid, 'base64').length !== 16)
      return "'status.uuid' must be a valid 16-byte UUID"
    if (status.state === 'TASK_STAGING') return "'status.state' must not be TASK_STAGING"
    const task = run.tasks.get(status.task_id.value)
    if (task) task.state = status.state
    this.updates.enqueue(run.frameworkId, {
      ...status,
      source: 'SOURCE_EXECUTOR',
      agent_id: this.agentId ? { value: this.agentId } : undefined,
      executor_id: { value: run.executorId },
    })
    this.saveRun(run)
    this.sendExecutor(run, { type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid } })
    return undefined
  }

  /** Executor MESSAGE: forwarded to the scheduler (unreliable). */
  executorMessage(call: executorMsg.Call): string | undefined {
    const run = this.executors.get(`${call.framework_id.value}/${call.executor_id.value}`)
    if (!run) return `Executor ${call.executor_id.value} of framework ${call.framework_id.value} is unknown`
    if (!call.message) return "Expecting 'message' to be present"
    void this.postToMaster({
      type: 'EXECUTOR_MESSAGE',
      executor_message: {
        framework_id: { value: run.frameworkId },
        executor_id: { value: run.executorId },
        data: call.message.data,
      },
    })
    return undefined
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
      executors: [...this.executors.values()].map((r) => ({
        id: r.executorId,
        framework_id: r.frameworkId,
        container: r.containerId,
        directory: r.sandbox,
        pid: r.process?.pid,
        subscribed: !!r.stream,
        type: r.defaultExecutor ? 'DEFAULT' : r.commandExecutor ? 'COMMAND' : 'CUSTOM',
        tasks: [...r.tasks.values()].map((t) => ({ id: t.info.task_id.value, state: t.state })),
      })),
      reserved_resources: this.checkpointedResources,
      pending_updates: [...this.updates.pending().values()].reduce((n, l) => n + l.length, 0),
    }
  }
}
