/** The cgroups memory isolator: each container in a cgroup v2 of its own, whose memory limit the kernel enforces. */
import type { Logger } from 'pino'
import type { Cgroups2 } from './cgroups.js'
import { type Container, memLimitMb } from './container.js'
import type { Isolator } from './isolator.js'

const MB = 1024 * 1024

/** Memory the built-in command and default executors' own Node.js process may use on top of their tasks' mem under cgroups (MB). */
export const BUILTIN_EXECUTOR_ALLOWANCE_MB = 64

/** A container's cgroup limit (bytes): its mem, plus an allowance for a built-in executor's own process. */
export function cgroupLimitBytes(c: Pick<Container, 'resources' | 'builtin'>): number {
  return (memLimitMb(c) + (c.builtin ? BUILTIN_EXECUTOR_ALLOWANCE_MB : 0)) * MB
}

/**
 * As Mesos's `cgroups/mem` isolator (`src/slave/containerizer/mesos/isolators/cgroups/subsystems/memory.cpp`):
 * the executor joins its cgroup right after it is spawned, so everything it starts is charged there;
 * the limit follows the tasks added; after the exit, `memory.events` tells whether the kernel
 * OOM-killed it. A container re-attached after an agent restart has no cgroup here (none was checkpointed).
 */
export class CgroupsMemoryIsolator implements Isolator {
  readonly name = 'cgroups/mem'
  /** container id → its cgroup directory */
  private readonly dirs = new Map<string, string>()

  constructor(
    readonly cgroups: Cgroups2,
    private readonly log: Logger,
  ) {}

  /** Puts a just-spawned executor into its own cgroup with its memory limit (when it has a limit). */
  isolate(container: Container): void {
    if (!container.process || memLimitMb(container) <= 0) return
    try {
      const dir = this.cgroups.create(container.id, cgroupLimitBytes(container))
      this.cgroups.addProcess(dir, container.process.pid)
      this.dirs.set(container.id, dir)
    } catch (e) {
      this.log.warn(
        { executor: container.executorId, err: (e as Error).message },
        'could not put the executor into a cgroup; the /proc supervisor alone limits its memory',
      )
    }
  }

  /** The tasks added raise the limit. A failed write is logged: the /proc supervisor still applies the new limit. */
  update(container: Container): void {
    const dir = this.dirs.get(container.id)
    if (!dir) return
    try {
      this.cgroups.setLimit(dir, cgroupLimitBytes(container))
    } catch (e) {
      this.log.error({ err: (e as Error).message, what: 'cgroup limit' }, 'could not change the cgroup memory limit')
    }
  }

  /** Tells a kernel OOM kill (`memory.events`) as the container's limitation; removes the cgroup a second later. */
  cleanup(container: Container): void {
    const dir = this.dirs.get(container.id)
    if (!dir) return
    this.dirs.delete(container.id)
    if (!container.limitation && this.cgroups.oomKilled(dir)) {
      const limitMb = memLimitMb(container)
      container.limitation = {
        limitMb,
        usedMb: Math.ceil((this.cgroups.peakBytes(dir) ?? cgroupLimitBytes(container)) / MB),
        by: 'cgroup',
      }
      this.log.warn(
        { executor: container.executorId, limitMb },
        'the kernel OOM-killed the executor in its cgroup: memory limit exceeded',
      )
    }
    const cgroups = this.cgroups
    setTimeout(() => cgroups.remove(dir), 1000).unref()
  }
}
