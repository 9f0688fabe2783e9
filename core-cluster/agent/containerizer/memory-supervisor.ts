/** The memory supervisor isolator: a container whose process tree outgrows its memory limit is killed. */
import type { Logger } from 'pino'
import { type Container, memLimitMb } from './container.js'
import type { Isolator } from './isolator.js'
import { killTree, type TreeUsage } from './monitor.js'

const MB = 1024 * 1024

/**
 * Enforces memory limits from the /proc samples, on hosts without a writable cgroup v2 too. Mesos's
 * `posix/mem` isolator only accounts (`src/slave/containerizer/mesos/isolators/posix.hpp`); this
 * one also kills (SIGKILL to the whole tree) a container whose resident memory exceeds the mem of
 * its executor and live tasks, which then fail with REASON_CONTAINER_LIMITATION_MEMORY. The built-in
 * command and default executors' own Node.js process is not counted against their tasks' limit
 * (Mesos gives its command executor an allowance of its own too).
 */
export class MemorySupervisor implements Isolator {
  readonly name = 'posix/mem'

  constructor(private readonly log: Logger) {}

  usage(container: Container, tree: TreeUsage): void {
    const limitMb = memLimitMb(container)
    const counted = container.builtin ? tree.memRssBytesWithoutRoot : tree.memRssBytes
    if (limitMb <= 0 || container.limitation || counted <= limitMb * MB) return
    container.limitation = { limitMb, usedMb: Math.ceil(counted / MB), by: 'supervisor' }
    this.log.warn(
      { executor: container.executorId, limitMb, usedMb: container.limitation.usedMb, pids: tree.pids },
      "memory limit exceeded: killing the executor's process tree",
    )
    killTree(tree.pids)
  }
}
