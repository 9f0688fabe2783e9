/** The isolator interface: the hooks through which the containerizer isolates one container over its life. */
import type { TaskInfo } from '../../proto/index.js'
import type { Container } from './container.js'
import type { TreeUsage } from './monitor.js'

/**
 * One isolator, as Mesos's `Isolator` (`src/slave/containerizer/mesos/isolator.hpp`; the isolators
 * are listed in `docs/mesos-containerizer.md`). The containerizer calls the hooks in this order for a
 * container: `prepare` → the launcher spawns the executor → `isolate` → `update` and `usage`, any
 * number of times → `cleanup`. Every hook is optional; isolators run in the order the containerizer
 * lists them.
 */
export interface Isolator {
  /** Its name in logs, after Mesos's isolator names (e.g. `cgroups/mem`). */
  readonly name: string
  /** Before the executor is spawned, with the tasks it starts with. @throws to fail the launch */
  prepare?(container: Container, tasks: readonly TaskInfo[]): void
  /** Right after the executor was spawned (`container.process` is set), e.g. to move it into a cgroup. */
  isolate?(container: Container): void
  /** Tasks were added to the running container. @throws to fail the tasks added */
  update?(container: Container, added: readonly TaskInfo[]): void
  /** One sample of the container's process tree (`container.usage` was just set from it). */
  usage?(container: Container, tree: TreeUsage): void
  /** The executor exited: tell whether a limit killed it (`container.limitation`), and release what it held. */
  cleanup?(container: Container): void
}
