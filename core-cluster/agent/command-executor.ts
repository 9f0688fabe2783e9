/** The built-in command executor: runs a command task as a process group and reports its states, as Mesos's `mesos-executor`. */
import { type ChildProcess, spawn } from 'node:child_process'
import type { ClientLogger, StatusInput } from '../client/index.js'
import type { FrameworkInfo, Id, KillPolicy, TaskInfo, TaskState, TaskStatus } from '../proto/index.js'

/**
 * The built-in **command executor** (as Mesos's `mesos-executor`): runs one TaskInfo that has a
 * `command` and no `executor`. The agent starts it as a separate process (so a task outlives an agent
 * restart when its framework checkpoints); it subscribes over the v1 executor API like any executor,
 * runs `/bin/sh -c <value>` (or `value` with `arguments` as argv when `shell` is false) in the
 * sandbox as the leader of its own process group, and reports TASK_STARTING, TASK_RUNNING, then
 * TASK_FINISHED (exit 0), TASK_FAILED (non-zero exit, or a signal it was not asked to send) or
 * TASK_KILLED (after KILL/SHUTDOWN: SIGTERM to the group, SIGKILL after the kill policy's grace period).
 */

/** Grace period between SIGTERM and SIGKILL when neither KILL nor the TaskInfo has a kill policy (Mesos: 3 s). */
export const DEFAULT_KILL_GRACE_MS = 3_000

/** The part of the executor client the command executor uses (an ExecutorClient, or a fake in tests). */
export interface CommandExecutorClient {
  update(status: StatusInput): Promise<TaskStatus>
  waitAcknowledged(uuid: string, timeoutMs: number): Promise<boolean>
}

export interface CommandExecutorOptions {
  client: CommandExecutorClient
  sandbox: string
  /** Environment of the task's command (the executor's own plus CommandInfo.environment). */
  env: NodeJS.ProcessEnv
  /** `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD`: SHUTDOWN must be over within it. */
  shutdownGracePeriodMs: number
  /** How long to wait for the terminal update's acknowledgement before exiting anyway. */
  ackTimeoutMs: number
  log: ClientLogger
  /** Called once the task is over and its terminal update acknowledged (or timed out): exit the process. */
  onDone(code: number): void
}

/** Exit status of a shell (`128 + n` for a signal) or Node's (code, signal) pair as one text, as Mesos words it. */
export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `Command terminated with signal ${signal}`
  return `Command exited with status ${code ?? -1}`
}

/** Milliseconds of a KillPolicy's grace period, or undefined when it has none. */
function graceMsOf(policy: KillPolicy | undefined): number | undefined {
  const ns = policy?.grace_period?.nanoseconds
  return ns === undefined || !Number.isFinite(Number(ns)) ? undefined : Math.max(0, Number(ns) / 1e6)
}

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}

/** One command task's life inside the command executor process. */
export class CommandExecutor {
  private task?: TaskInfo
  private child?: ChildProcess
  private killing = false
  private killTimer?: NodeJS.Timeout
  private terminal = false
  private killingCapable = false

  constructor(private readonly o: CommandExecutorOptions) {}

  /** The task's process group id (= its leader's pid) while it runs. */
  get pid(): number | undefined {
    return this.child?.pid
  }

  /** SUBSCRIBED: remembers whether the framework understands TASK_KILLING. */
  subscribed(framework: FrameworkInfo | undefined): void {
    this.killingCapable = (framework?.capabilities ?? []).some((c) => c.type === 'TASK_KILLING_STATE')
  }

  /** LAUNCH: starts the command. A second task is refused (one task per command executor). */
  launch(task: TaskInfo): void {
    if (this.task) {
      if (this.task.task_id.value === task.task_id.value) return // replayed LAUNCH after re-subscription
      void this.o.client.update({
        task_id: task.task_id,
        state: 'TASK_FAILED',
        reason: 'REASON_TASK_INVALID',
        message: 'Attempted to run multiple tasks using a "command" executor',
      })
      return
    }
    this.task = task
    const command = task.command
    if (!command?.value) {
      void this.finish('TASK_FAILED', 'Task has no command to run', 'REASON_TASK_INVALID', 1)
      return
    }
    const env: NodeJS.ProcessEnv = { ...this.o.env }
    for (const v of command.environment?.variables ?? [])
      if (v.value !== undefined && v.value !== null) env[v.name] = v.value
    const shell = command.shell ?? true
    const file = shell ? '/bin/sh' : command.value!
    const args = shell ? ['-c', command.value!] : (command.arguments ?? []).slice(1)
    const argv0 = shell ? undefined : command.arguments?.[0]
    void this.o.client.update({ task_id: task.task_id, state: 'TASK_STARTING' })
    let child: ChildProcess
    try {
      child = spawn(file, args, {
        cwd: this.o.sandbox,
        env,
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit'],
        ...(argv0 ? { argv0 } : {}),
      })
    } catch (e) {
      void this.finish(
        'TASK_FAILED',
        `Failed to launch the command: ${(e as Error).message}`,
        'REASON_COMMAND_EXECUTOR_FAILED',
        1,
      )
      return
    }
    this.child = child
    let spawned = false
    child.once('spawn', () => {
      spawned = true
      this.o.log.info(
        { task: task.task_id.value, pid: child.pid, command: shell ? command.value : [command.value, ...args] },
        'command started',
      )
      if (!this.terminal) void this.o.client.update({ task_id: task.task_id, state: 'TASK_RUNNING' })
    })
    child.once('error', (e) => {
      if (!spawned)
        void this.finish(
          'TASK_FAILED',
          `Failed to launch the command: ${e.message}`,
          'REASON_COMMAND_EXECUTOR_FAILED',
          1,
        )
    })
    child.once('exit', (code, signal) => {
      if (!spawned) return
      // Whatever the leader left behind in its group goes with it.
      signalGroup(child.pid!, 'SIGKILL')
      if (this.killTimer) clearTimeout(this.killTimer)
      const text = describeExit(code, signal)
      this.o.log.info({ task: task.task_id.value, code, signal }, text)
      if (this.killing) void this.finish('TASK_KILLED', text, undefined, 0)
      else if (code === 0) void this.finish('TASK_FINISHED', text, undefined, 0)
      else void this.finish('TASK_FAILED', text, 'REASON_COMMAND_EXECUTOR_FAILED', 1)
    })
  }

  /**
   * KILL (or SHUTDOWN): SIGTERM to the task's process group, SIGKILL after the grace period: the
   * KILL's kill policy, else the TaskInfo's, else {@link DEFAULT_KILL_GRACE_MS}.
   */
  kill(taskId: Id | undefined, policy?: KillPolicy, capMs?: number): void {
    if (!this.task || (taskId && taskId.value !== this.task.task_id.value)) {
      this.o.log.warn({ task: taskId?.value }, 'KILL for a task this executor does not run')
      return
    }
    if (this.terminal) return
    if (!this.child?.pid) {
      // Killed before the command started.
      void this.finish('TASK_KILLED', 'Task killed before its command started', undefined, 0)
      return
    }
    let grace = graceMsOf(policy) ?? graceMsOf(this.task.kill_policy) ?? DEFAULT_KILL_GRACE_MS
    if (capMs !== undefined) grace = Math.min(grace, capMs)
    if (this.killing) {
      // A second KILL may shorten the grace period, never lengthen it.
      if (this.killTimer && grace < DEFAULT_KILL_GRACE_MS) this.armKillTimer(grace)
      return
    }
    this.killing = true
    if (this.killingCapable) void this.o.client.update({ task_id: this.task.task_id, state: 'TASK_KILLING' })
    this.o.log.info(
      { task: this.task.task_id.value, pid: this.child.pid, graceMs: grace },
      'killing the command: SIGTERM to its process group',
    )
    if (!signalGroup(this.child.pid, 'SIGTERM')) this.child.kill('SIGTERM')
    this.armKillTimer(grace)
  }

  /** SHUTDOWN: kill the task within the executor shutdown grace period. */
  shutdown(): void {
    if (!this.task) {
      this.o.onDone(0)
      return
    }
    this.kill(undefined, undefined, Math.max(0, this.o.shutdownGracePeriodMs - 1_000))
  }

  /** The agent is gone for good (not checkpointing): nobody would hear about the task; kill it and exit. */
  disconnected(): void {
    if (this.child?.pid) signalGroup(this.child.pid, 'SIGKILL')
    this.o.onDone(1)
  }

  /** The executor process itself is being terminated: take the task's group along. */
  terminate(): void {
    if (this.child?.pid && !this.terminal) {
      this.killing = true
      signalGroup(this.child.pid, 'SIGTERM')
      this.armKillTimer(Math.min(DEFAULT_KILL_GRACE_MS, this.o.shutdownGracePeriodMs))
    } else {
      this.o.onDone(0)
    }
  }

  private armKillTimer(ms: number): void {
    if (this.killTimer) clearTimeout(this.killTimer)
    const pid = this.child!.pid!
    this.killTimer = setTimeout(() => {
      this.o.log.warn({ pid, graceMs: ms }, 'command still alive after the grace period: SIGKILL to its process group')
      signalGroup(pid, 'SIGKILL')
    }, ms)
  }

  private async finish(state: TaskState, message: string, reason: string | undefined, code: number): Promise<void> {
    if (this.terminal || !this.task) return
    this.terminal = true
    const sent = await this.o.client.update({
      task_id: this.task.task_id,
      state,
      message,
      ...(reason ? { reason } : {}),
    })
    const acked = await this.o.client.waitAcknowledged(sent.uuid!, this.o.ackTimeoutMs)
    if (!acked)
      this.o.log.warn(
        { task: this.task.task_id.value, state },
        'terminal update not acknowledged in time; exiting anyway',
      )
    // Mesos's command executor lingers a moment so the agent sees the ack before the exit.
    setTimeout(() => this.o.onDone(code), 100)
  }
}
