/** The task registry: every task the master knows, by framework and task id, with its latest state. */

import type { Resource, TaskInfo, TaskState, TaskStatus } from '../proto/index.js'

/** One task, as the master keeps it (Mesos `src/master/master.hpp` keeps them per framework and agent). */
export interface TaskEntry {
  frameworkId: string
  agentId: string
  info: TaskInfo
  state: TaskState
  /** the latest status update the agent sent */
  status?: TaskStatus
  resources: Resource[]
  /** the agent was marked unreachable (epoch ms); the task of a partition-aware framework is kept */
  unreachableSince?: number
  /** the task's state before its agent became unreachable, restored when the agent comes back */
  stateBefore?: TaskState
}

/**
 * Tasks keyed by `<frameworkId>/<taskId>` (task ids are unique per framework only). Iteration is in
 * insertion order, and a task may be deleted while iterating (as a Map allows).
 */
export class Tasks {
  private readonly byKey = new Map<string, TaskEntry>()

  get size(): number {
    return this.byKey.size
  }

  get(frameworkId: string, taskId: string): TaskEntry | undefined {
    return this.byKey.get(key(frameworkId, taskId))
  }

  /** Adds or replaces the task of `entry.frameworkId` with `entry.info.task_id`. */
  set(entry: TaskEntry): void {
    this.byKey.set(key(entry.frameworkId, entry.info.task_id.value), entry)
  }

  delete(entry: TaskEntry): void {
    this.byKey.delete(key(entry.frameworkId, entry.info.task_id.value))
  }

  values(): IterableIterator<TaskEntry> {
    return this.byKey.values()
  }

  /** The tasks on one agent (a snapshot: the caller may delete while walking it). */
  onAgent(agentId: string): TaskEntry[] {
    return [...this.byKey.values()].filter((t) => t.agentId === agentId)
  }

  /** Forgets every task of a framework (it was torn down). */
  removeFramework(frameworkId: string): void {
    for (const [k, t] of this.byKey) if (t.frameworkId === frameworkId) this.byKey.delete(k)
  }
}

function key(frameworkId: string, taskId: string): string {
  return `${frameworkId}/${taskId}`
}
