/** The volume isolator: the persistent volumes a task or its executor holds appear in their sandboxes. */
import type { Logger } from 'pino'
import { isPersistentVolume, type TaskInfo } from '../../proto/index.js'
import { type Container, taskSandbox } from './container.js'
import type { Isolator } from './isolator.js'
import type { AgentResources } from './volumes.js'

/**
 * As Mesos's `filesystem/posix` isolator (`src/slave/containerizer/mesos/isolators/filesystem/posix.cpp`),
 * which symlinks a persistent volume into the sandbox at its `container_path` when there is no mount
 * namespace. The executor's own volumes are linked into the container's sandbox at launch; each task's
 * into its task sandbox at launch or when the task is added.
 */
export class VolumeIsolator implements Isolator {
  readonly name = 'filesystem/posix'

  constructor(
    private readonly volumes: AgentResources,
    private readonly log: Logger,
  ) {}

  /** @throws when a volume cannot be linked (the launch fails) */
  prepare(container: Container, tasks: readonly TaskInfo[]): void {
    const executor = container.resources().executor
    if (executor.some(isPersistentVolume)) this.volumes.link(container.sandbox, executor)
    this.linkTasks(container, tasks)
  }

  /** @throws when a volume cannot be linked (the tasks added fail) */
  update(container: Container, added: readonly TaskInfo[]): void {
    this.linkTasks(container, added)
  }

  private linkTasks(container: Container, tasks: readonly TaskInfo[]): void {
    for (const t of tasks) {
      if (!(t.resources ?? []).some(isPersistentVolume)) continue
      const linked = this.volumes.link(taskSandbox(container, t.task_id.value), t.resources ?? [])
      this.log.info({ task: t.task_id.value, volumes: linked }, 'persistent volumes linked into the sandbox')
    }
  }
}
