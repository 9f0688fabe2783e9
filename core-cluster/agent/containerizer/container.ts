/** A container: one executor run's sandbox and process group, the resources it holds, and what its isolators found. */
import { join } from 'node:path'
import { type Resource, scalarSum } from '../../proto/index.js'
import type { LaunchedProcess } from './launcher.js'
import type { TreeUsage } from './monitor.js'

/**
 * The resources a container holds now: its executor's own, and those of each of its tasks that is
 * not over (one list per task, so that sums round per task as `scalarSum` does).
 */
export interface ContainerResources {
  executor: readonly Resource[]
  tasks: ReadonlyArray<readonly Resource[]>
}

/** The latest sample of a container's process tree: times in s, sizes in bytes, `timestamp` in epoch seconds. */
export interface ContainerUsage extends TreeUsage {
  timestamp: number
  memLimitBytes: number
  /** the highest RSS of the tree seen so far */
  memPeakBytes: number
}

/**
 * A memory limit the container broke, and who enforced it (as Mesos's `ContainerLimitation`,
 * `include/mesos/slave/containerizer.proto`): the agent's /proc supervisor, or the kernel in the
 * container's cgroup. Sizes in MB.
 */
export interface MemoryLimitation {
  limitMb: number
  usedMb: number
  by: 'supervisor' | 'cgroup'
}

/**
 * One container (Mesos `ContainerID` plus what the containerizer keeps of it). The agent creates it
 * with its executor run; the launcher sets `process` and `pidStart`; the isolators set `usage` and
 * `limitation`.
 */
export interface Container {
  /** the container id, a UUID */
  readonly id: string
  /** the executor this container runs (for logs) */
  readonly executorId: string
  /** `<work dir>/slaves/<agent>/frameworks/<fw>/executors/<executor>/runs/<container id>` */
  readonly sandbox: string
  /** the agent's built-in command or default executor runs in it (its own Node.js process is not the tasks') */
  readonly builtin: boolean
  /** the built-in default executor runs in it: each task has a sandbox of its own, `<sandbox>/tasks/<task id>` */
  readonly perTaskSandboxes: boolean
  /** the resources it holds now (they change as tasks are added and end) */
  readonly resources: () => ContainerResources
  /** the executor's process group, once launched (or re-attached after an agent restart) */
  process?: LaunchedProcess
  /** start time of the executor process (/proc), checkpointed against pid reuse */
  pidStart?: string
  usage?: ContainerUsage
  limitation?: MemoryLimitation
}

/** Memory limit of a container (MB): the mem of its executor and of its tasks that are not over. */
export function memLimitMb(c: Pick<Container, 'resources'>): number {
  const r = c.resources()
  let mb = scalarSum(r.executor, 'mem')
  for (const t of r.tasks) mb += scalarSum(t, 'mem')
  return mb
}

/** Cpus limit of a container: the cpus of its executor and of its tasks that are not over, rounded to 1/1000. */
export function cpusLimit(c: Pick<Container, 'resources'>): number {
  const r = c.resources()
  let tasks = 0
  for (const t of r.tasks) tasks += scalarSum(t, 'cpus')
  return Math.round((scalarSum(r.executor, 'cpus') + tasks) * 1000) / 1000
}

/** Where a task of the container sees its sandbox (the default executor gives each task its own). */
export function taskSandbox(c: Pick<Container, 'sandbox' | 'perTaskSandboxes'>, taskId: string): string {
  return c.perTaskSandboxes ? join(c.sandbox, 'tasks', taskId) : c.sandbox
}
