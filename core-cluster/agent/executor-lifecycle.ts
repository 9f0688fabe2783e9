/** The executors' life on the agent: launching them for RUN_TASK and RUN_TASK_GROUP, adding tasks, KILL, SHUTDOWN and exit, with the agent's own status updates. */
import type { Logger } from 'pino'
import {
  type agent as agentMsg,
  type ExecutorInfo,
  type FrameworkInfo,
  isTerminal,
  newUuidBase64,
  type TaskGroupInfo,
  type TaskInfo,
  type TaskState,
  type TaskStatus,
} from '../proto/index.js'
import { commandExecutorEntry, commandExecutorInfo, defaultExecutorInfo } from './command-executor-launch.js'
import { BUILTIN_EXECUTOR_ALLOWANCE_MB, type Containerizer } from './containerizer/index.js'
import type { ExecutorApi } from './executor-api.js'
import type { ExecutorAuthentication } from './executor-auth.js'
import { executorEnvironment } from './executor-env.js'
import type { Recovery } from './recovery.js'
import { type ExecutorRun, type ExecutorRuns, runResources } from './runs.js'

/** What the executors' life needs from its agent. Durations in ms. */
export interface ExecutorLifecycleOptions {
  /** the agent's address (the executors' MESOS_AGENT_ENDPOINT) */
  host: string
  port: number
  /** grace period between SIGTERM and SIGKILL of an executor's process group */
  shutdownGraceMs: number
  runs: ExecutorRuns
  containerizer: Containerizer
  recovery: Pick<Recovery, 'track' | 'saveRun' | 'removeRun'>
  executorApi: Pick<ExecutorApi, 'send' | 'deliver'>
  /** the agent id, once registered */
  agentId(): string | undefined
  /** queues a status update for the master (retried until acknowledged) */
  enqueue(frameworkId: string, status: TaskStatus): void
  /** sends a call to the master (unreliable) */
  post(call: agentMsg.Call): Promise<boolean>
  /** with executor authentication: mints each executor's token for its environment (./executor-auth.ts) */
  executorAuth?: Pick<ExecutorAuthentication, 'token'>
  log: Logger
}

/**
 * The executors' life, as a Mesos agent leads it (`src/slave/slave.cpp`: `runTask`, `killTask`,
 * `shutdownExecutor`, `executorTerminated`): a task is launched under its executor in a new
 * container, or handed to the executor already running; a KILL goes to the executor, and its
 * process group is stopped when it does not obey; when an executor exits, its tasks that are not
 * over are reported by the agent itself (SOURCE_AGENT).
 */
export class ExecutorLifecycle {
  constructor(private readonly o: ExecutorLifecycleOptions) {}

  /** A status update of the agent's own (SOURCE_AGENT) for a task, queued for the master. */
  agentStatus(
    run: ExecutorRun | undefined,
    frameworkId: string,
    task: TaskInfo,
    state: TaskState,
    reason: string,
    message: string,
    extra: Partial<TaskStatus> = {},
  ): void {
    const agentId = this.o.agentId()
    const status: TaskStatus = {
      ...extra,
      task_id: task.task_id,
      state,
      reason,
      message,
      source: 'SOURCE_AGENT',
      agent_id: agentId ? { value: agentId } : undefined,
      executor_id: run ? { value: run.executorId } : undefined,
      timestamp: Date.now() / 1000,
      uuid: newUuidBase64(),
    }
    const t = run?.tasks.get(task.task_id.value)
    if (t) t.state = state
    this.o.enqueue(frameworkId, status)
    if (run && this.o.runs.isCurrent(run)) this.o.recovery.saveRun(run)
  }

  /** RUN_TASK: a task with its own executor, or a command task under the built-in command executor. */
  async runTask(framework: FrameworkInfo, task: TaskInfo): Promise<void> {
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
        this.builtinUnavailable(frameworkId, [task], 'command executor', e as Error)
        return
      }
    }
    return this.launchOn(framework, executorInfo, [task], isCommandTask ? 'command' : 'custom')
  }

  /**
   * LAUNCH_GROUP: the group's tasks under one executor of type DEFAULT, run by the agent's built-in
   * default executor (the command executor program with KM_DEFAULT_EXECUTOR=1).
   */
  async runTaskGroup(framework: FrameworkInfo, executor: ExecutorInfo, group: TaskGroupInfo): Promise<void> {
    const frameworkId = framework.id!.value
    const tasks = group.tasks ?? []
    let entry: { file: string; args: string[] }
    try {
      entry = await commandExecutorEntry()
    } catch (e) {
      this.builtinUnavailable(frameworkId, tasks, 'default executor', e as Error)
      return
    }
    return this.launchOn(framework, defaultExecutorInfo(executor, frameworkId, entry), tasks, 'default')
  }

  /** The program of a built-in executor cannot be found or built: its tasks fail before any container exists. */
  private builtinUnavailable(frameworkId: string, tasks: TaskInfo[], which: string, e: Error): void {
    for (const t of tasks)
      this.agentStatus(
        undefined,
        frameworkId,
        t,
        'TASK_FAILED',
        'REASON_CONTAINER_LAUNCH_FAILED',
        `Cannot start the ${which}: ${e.message}`,
      )
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
    this.o.recovery.track(framework)
    const running = this.o.runs.get(frameworkId, executorId)
    if (running && !running.shuttingDown) return this.addTasks(running, tasks)
    const run: ExecutorRun = {
      frameworkId,
      framework,
      executorId,
      info: executorInfo,
      container: this.o.containerizer.create({
        agentId: this.o.agentId(),
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
    this.o.runs.add(run)
    this.o.log.info(
      { tasks: tasks.map((t) => t.task_id.value), executor: executorId, sandbox: run.container.sandbox, kind },
      'launching executor',
    )
    try {
      await this.o.containerizer.launch(run.container, {
        command: executorInfo.command ?? {},
        tasks,
        env: () =>
          executorEnvironment(run, {
            host: this.o.host,
            port: this.o.port,
            agentId: this.o.agentId(),
            shutdownGraceMs: this.o.shutdownGraceMs,
            dataDir: this.o.containerizer.dataDir,
            executorToken: this.o.executorAuth?.token(run),
          }),
        cancelled: () => run.shuttingDown,
      })
      this.o.recovery.saveRun(run)
    } catch (e) {
      const message = `Failed to launch the executor: ${(e as Error).message}`
      this.o.log.error(
        { tasks: tasks.map((t) => t.task_id.value), err: (e as Error).message },
        'executor launch failed',
      )
      for (const task of tasks)
        this.agentStatus(run, frameworkId, task, 'TASK_FAILED', 'REASON_CONTAINER_LAUNCH_FAILED', message)
      this.o.runs.delete(run)
      return
    }
    this.watch(run)
  }

  /** More tasks for a running executor: their volumes are linked, its limits raised, then they are sent (or queued until it subscribes). */
  private addTasks(run: ExecutorRun, tasks: TaskInfo[]): void {
    for (const task of tasks)
      run.tasks.set(task.task_id.value, { info: task, state: 'TASK_STAGING', killRequested: false })
    try {
      this.o.containerizer.update(run.container, tasks)
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
    if (run.stream) this.o.executorApi.deliver(run, tasks)
    else run.queued.push(...tasks)
    this.o.recovery.saveRun(run)
  }

  /** Handles the exit of a run's executor (launched here, or re-attached after a restart). */
  watch(run: ExecutorRun): void {
    void run.container.process!.exited.then((code) => this.executorExited(run, code))
  }

  /**
   * The executor exited: what is left of its container is killed, its tasks that are not over fail
   * (or are KILLED when a kill or shutdown was asked for; a memory limit says so), and the master
   * hears EXITED_EXECUTOR (not for a command task's executor, as Mesos).
   */
  private async executorExited(run: ExecutorRun, code: number): Promise<void> {
    this.o.containerizer.destroy(run.container)
    run.stream?.close()
    this.o.runs.delete(run)
    this.o.log.info({ executor: run.executorId, exitCode: code }, 'executor exited')
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
    if (run.framework.checkpoint) this.o.recovery.removeRun(run)
    // As Mesos, the exit of an executor the agent generated for a command task is not reported.
    if (run.commandExecutor) return
    await this.o.post({
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
  async killTask(frameworkId: string, taskId: string, graceNanos?: number): Promise<void> {
    const found = this.o.runs.findTask(frameworkId, taskId)
    if (!found) {
      this.o.log.warn({ task: taskId }, 'KILL for an unknown task')
      return
    }
    const { run, task } = found
    task.killRequested = true
    this.o.recovery.saveRun(run)
    this.o.log.info({ task: taskId, executor: run.executorId }, 'killing task')
    if (!run.stream || !run.container.process) {
      run.queued = run.queued.filter((q) => q.task_id.value !== taskId)
      if (run.container.process) await this.o.containerizer.stop(run.container)
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
    this.o.executorApi.send(run, {
      type: 'KILL',
      kill: {
        task_id: { value: taskId },
        kill_policy: graceNanos ? { grace_period: { nanoseconds: graceNanos } } : undefined,
      },
    })
    const waitMs = (graceNanos ? graceNanos / 1e6 : 60_000) + this.o.shutdownGraceMs
    const timer = setTimeout(() => {
      if (this.o.runs.isCurrent(run) && !isTerminal(task.state)) {
        this.o.log.warn(
          { task: taskId, waitMs },
          'executor did not finish the kill in time; stopping its process group',
        )
        void this.o.containerizer.stop(run.container)
      }
    }, waitMs)
    timer.unref()
  }

  /** SHUTDOWN an executor: SHUTDOWN event, then SIGTERM/SIGKILL of its group after the grace period. */
  async shutdownExecutor(run: ExecutorRun, why: string): Promise<void> {
    run.shuttingDown = true
    this.o.log.info({ executor: run.executorId, why }, 'shutting down executor')
    if (run.stream) this.o.executorApi.send(run, { type: 'SHUTDOWN' })
    const launched = run.container.process
    if (!launched) return
    const exited = await Promise.race([
      launched.exited.then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), this.o.shutdownGraceMs * 3)),
    ])
    if (!exited) await this.o.containerizer.stop(run.container)
  }
}
