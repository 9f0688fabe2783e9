/** The agent's store of dynamic reservations and persistent volumes: the checkpointed resources, the volume directories, their links into sandboxes. */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs'
import { dirname, join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { isPersistentVolume, type Resource, resourceRole } from '../../proto/index.js'

/**
 * The agent's dynamic reservations and persistent volumes (Mesos
 * `<work_dir>/meta/resources/resources_and_operations.state` and `<work_dir>/volumes/roles/<role>/<id>`).
 *
 * - `meta/resources.json`: the resources the master last sent in CHECKPOINT_RESOURCES (written
 *   atomically); reported back on REGISTER so that a restarted or failed-over master rebuilds the
 *   agent's total.
 * - a persistent volume's data lives in `volumes/roles/<role>/<persistence id>` (the role
 *   URI-encoded, so `eng/backend` stays one directory), outside every sandbox, so it survives the
 *   tasks that use it; DESTROY removes the directory.
 * - a task that has the volume among its resources sees it at `<sandbox>/<container_path>`: a
 *   **symlink** to the volume directory (no mount namespace here).
 */
export class AgentResources {
  private readonly file: string

  constructor(private readonly workDir: string) {
    this.file = join(workDir, 'meta', 'resources.json')
  }

  /** The checkpointed resources, or [] when there are none (or the file is unreadable). */
  load(): Resource[] {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { resources?: Resource[] }
      return Array.isArray(parsed.resources) ? parsed.resources : []
    } catch {
      return []
    }
  }

  /** Host directory of a persistent volume. */
  volumePath(v: Resource): string {
    return join(this.workDir, 'volumes', 'roles', encodeURIComponent(resourceRole(v)), v.disk!.persistence!.id)
  }

  /**
   * Checkpoints `resources` and makes the volume directories match: every listed volume exists;
   * directories of volumes no longer listed (DESTROY) are removed with their data.
   * @returns the ids of the volumes created and removed
   */
  apply(resources: readonly Resource[]): { created: string[]; removed: string[] } {
    mkdirSync(dirname(this.file), { recursive: true })
    writeFileAtomic.sync(this.file, JSON.stringify({ resources }, null, 1))
    const keep = new Set<string>()
    const created: string[] = []
    for (const v of resources.filter(isPersistentVolume)) {
      const dir = this.volumePath(v)
      keep.add(dir)
      if (!existsSync(dir)) {
        mkdirSync(dir, { recursive: true })
        created.push(v.disk!.persistence!.id)
      }
    }
    const removed: string[] = []
    const rolesDir = join(this.workDir, 'volumes', 'roles')
    for (const role of existsSync(rolesDir) ? readdirSync(rolesDir) : []) {
      for (const id of readdirSync(join(rolesDir, role))) {
        const dir = join(rolesDir, role, id)
        if (keep.has(dir)) continue
        rmSync(dir, { recursive: true, force: true })
        removed.push(id)
      }
    }
    return { created, removed }
  }

  /**
   * Makes the persistent volumes among `resources` visible in `sandbox` at their container_path
   * (symlinks to the volume directories, created if missing).
   * @returns the container paths linked
   */
  link(sandbox: string, resources: readonly Resource[]): string[] {
    const linked: string[] = []
    for (const v of resources.filter(isPersistentVolume)) {
      const path = v.disk?.volume?.container_path
      if (!path || path.startsWith('/') || path.split('/').includes('..')) continue
      const target = this.volumePath(v)
      mkdirSync(target, { recursive: true })
      const at = join(sandbox, path)
      mkdirSync(dirname(at), { recursive: true })
      try {
        if (lstatSync(at)) unlinkSync(at)
      } catch {
        // nothing there yet
      }
      symlinkSync(target, at, 'dir')
      linked.push(path)
    }
    return linked
  }
}
