/** The built-in default executor: runs the tasks of a task group, each in its own sandbox, as Mesos's `mesos-default-executor`. */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { FrameworkInfo, Id, KillPolicy, TaskInfo } from '../proto/index.js'
import { CommandExecutor, type CommandExecutorOptions } from './command-executor.js'

/**
 * The built-in **default executor** (as Mesos's `mesos-default-executor`), for LAUNCH_GROUP with an
 * ExecutorInfo of type DEFAULT: runs every task of the group(s) it is given, each as a command in
 * its own sandbox `<executor sandbox>/tasks/<task id>` and own process group, with status updates per
 * task. As Mesos's default executor, when one task of a group fails or is killed, the other tasks
 * of that group are killed; the executor exits once all its tasks are over.
 */
export class DefaultExecutor {
  private readonly tasks = new Map<
    string,
    { exec: CommandExecutor; group: number; done: boolean; code?: number; killed: boolean }
  >()
  private framework?: FrameworkInfo
  private groups = 0
  private exited = false

  constructor(private readonly o: CommandExecutorOptions) {}

  /** pids (process group ids) of the running task commands. */
  get pids(): number[] {
    return [...this.tasks.values()].map((t) => t.exec.pid).filter((p): p is number => p !== undefined)
  }

  subscribed(framework: FrameworkInfo | undefined): void {
    this.framework = framework
    for (const t of this.tasks.values()) t.exec.subscribed(framework)
  }

  /** LAUNCH_GROUP: starts every task of the group (a task id already running here is ignored: a replay). */
  launchGroup(tasks: TaskInfo[]): void {
    const group = ++this.groups
    for (const task of tasks) {
      const id = task.task_id.value
      if (this.tasks.has(id)) continue
      const sandbox = join(this.o.sandbox, 'tasks', id)
      mkdirSync(sandbox, { recursive: true })
      const entry = {
        exec: undefined as unknown as CommandExecutor,
        group,
        done: false,
        code: undefined as number | undefined,
        killed: false,
      }
      entry.exec = new CommandExecutor({
        ...this.o,
        sandbox,
        env: { ...this.o.env, MESOS_SANDBOX: sandbox },
        onDone: (code) => this.taskDone(id, code),
      })
      entry.exec.subscribed(this.framework)
      this.tasks.set(id, entry)
      entry.exec.launch(task)
    }
  }

  /** LAUNCH of a single task (e.g. replayed after an agent restart): a group of one. */
  launch(task: TaskInfo): void {
    this.launchGroup([task])
  }

  kill(taskId: Id | undefined, policy?: KillPolicy): void {
    if (!taskId) {
      for (const t of this.tasks.values()) if (!t.done) t.exec.kill(undefined, policy)
      return
    }
    const t = this.tasks.get(taskId.value)
    if (!t) {
      this.o.log.warn({ task: taskId.value }, 'KILL for a task this executor does not run')
      return
    }
    t.killed = true
    t.exec.kill(taskId, policy)
  }

  shutdown(): void {
    if (this.tasks.size === 0 || [...this.tasks.values()].every((t) => t.done)) return this.finish(0)
    for (const t of this.tasks.values()) if (!t.done) t.exec.shutdown()
  }

  disconnected(): void {
    for (const t of this.tasks.values()) t.exec.disconnected()
    this.finish(1)
  }

  terminate(): void {
    if (this.tasks.size === 0) return this.finish(0)
    for (const t of this.tasks.values()) if (!t.done) t.exec.terminate()
  }

  private taskDone(id: string, code: number): void {
    const t = this.tasks.get(id)
    if (!t || t.done) return
    t.done = true
    t.code = code
    if (code !== 0 || t.killed) {
      // One failed or killed task takes its group down (Mesos default executor).
      for (const [otherId, other] of this.tasks) {
        if (other.group === t.group && !other.done && !other.killed) {
          this.o.log.info({ task: otherId, ended: id }, 'a task of the group failed or was killed: killing the others')
          other.killed = true
          other.exec.kill(undefined)
        }
      }
    }
    if ([...this.tasks.values()].every((x) => x.done))
      this.finish([...this.tasks.values()].some((x) => x.code !== 0) ? 1 : 0)
  }

  private finish(code: number): void {
    if (this.exited) return
    this.exited = true
    this.o.onDone(code)
  }
}
