/** The agent's executor runs: each executor it launched, its container, its tasks, and its executor-API stream. */
import type { EventStream } from '../http/index.js'
import { type ExecutorInfo, type FrameworkInfo, isTerminal, type TaskInfo, type TaskState } from '../proto/index.js'
import type { Container, ContainerResources } from './containerizer/index.js'

/** One task of an executor run, with its latest state as the agent knows it. */
export interface TaskRun {
  info: TaskInfo
  state: TaskState
  killRequested: boolean
}

/** One executor the agent runs for a framework (Mesos's `Executor` in `src/slave/slave.hpp`). */
export interface ExecutorRun {
  frameworkId: string
  framework: FrameworkInfo
  executorId: string
  info: ExecutorInfo
  /** its sandbox and process group */
  container: Container
  /** its SUBSCRIBE stream while it is subscribed */
  stream?: EventStream
  /** tasks waiting for the executor to subscribe */
  queued: TaskInfo[]
  tasks: Map<string, TaskRun>
  /** the built-in command executor of a command task (its ExecutorInfo was synthesised here) */
  commandExecutor: boolean
  /** the built-in default executor of a LAUNCH_GROUP (ExecutorInfo type DEFAULT) */
  defaultExecutor?: boolean
  shuttingDown: boolean
  /** the executor subscribed at least once */
  subscribedOnce: boolean
  /** found again from the checkpoint after an agent restart, not yet re-subscribed */
  recovered?: boolean
  /** killed because it did not re-subscribe after the agent restarted */
  reregistrationTimedOut?: boolean
}

/** The resources a run's container holds now: the executor's own and those of its tasks that are not over. */
export function runResources(run: Pick<ExecutorRun, 'info' | 'tasks'>): ContainerResources {
  return {
    executor: run.info.resources ?? [],
    tasks: [...run.tasks.values()].filter((t) => !isTerminal(t.state)).map((t) => t.info.resources ?? []),
  }
}

/** The runs of one agent, keyed by framework id and executor id (one run per executor at a time). */
export class ExecutorRuns {
  private readonly runs = new Map<string, ExecutorRun>()

  get(frameworkId: string, executorId: string): ExecutorRun | undefined {
    return this.runs.get(`${frameworkId}/${executorId}`)
  }

  /** Registers a run under its ids (replacing one that is shutting down). */
  add(run: ExecutorRun): void {
    this.runs.set(`${run.frameworkId}/${run.executorId}`, run)
  }

  /** Forgets whatever run is registered under `run`'s framework and executor ids. */
  delete(run: ExecutorRun): void {
    this.runs.delete(`${run.frameworkId}/${run.executorId}`)
  }

  /** True while `run` itself is the one registered under its ids (not removed, not replaced). */
  isCurrent(run: ExecutorRun): boolean {
    return this.get(run.frameworkId, run.executorId) === run
  }

  values(): IterableIterator<ExecutorRun> {
    return this.runs.values()
  }

  /** The run and task of a framework's task, wherever it runs. */
  findTask(frameworkId: string, taskId: string): { run: ExecutorRun; task: TaskRun } | undefined {
    for (const run of this.runs.values()) {
      if (run.frameworkId !== frameworkId) continue
      const task = run.tasks.get(taskId)
      if (task) return { run, task }
    }
    return undefined
  }

  /**
   * What REGISTER reports to the master: every task that is not over (with its executor and
   * framework id filled in), and the frameworks that have runs here.
   */
  registration(): { tasks: TaskInfo[]; frameworkIds: string[] } {
    const tasks: TaskInfo[] = []
    const frameworkIds = new Set<string>()
    for (const e of this.runs.values()) {
      frameworkIds.add(e.frameworkId)
      for (const t of e.tasks.values())
        if (!isTerminal(t.state))
          tasks.push({
            ...t.info,
            executor: { ...(t.info.executor ?? e.info), framework_id: { value: e.frameworkId } },
          })
    }
    return { tasks, frameworkIds: [...frameworkIds] }
  }
}
