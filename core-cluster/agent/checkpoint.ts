/** The agent's checkpoint files: its id and address, the executor runs and the unacknowledged status updates of checkpointing frameworks. */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import type { ExecutorInfo, FrameworkInfo, TaskInfo, TaskState, TaskStatus } from '../proto/index.js'

/**
 * The agent's checkpoint (as Mesos's `<work_dir>/meta`, `src/slave/paths.hpp` and
 * `docs/agent-recovery.md`), for frameworks with `checkpoint=true` only. Layout, every file JSON
 * and written atomically:
 *
 * ```
 * meta/slaves/latest                                      the agent id
 * meta/slaves/<agent>/slave.info                          its address (hostname, port)
 * meta/frameworks/<fw>/executors/<ex>/runs/<container>/run.json   one executor run (RunCheckpoint)
 * meta/frameworks/<fw>/tasks/<task>/task.updates          unacknowledged status updates, in order
 * ```
 */

/** One executor run as checkpointed: enough to find the process again and re-attach its tasks. */
export interface RunCheckpoint {
  frameworkId: string
  framework: FrameworkInfo
  executorId: string
  info: ExecutorInfo
  commandExecutor: boolean
  /** the built-in default executor of a task group */
  defaultExecutor?: boolean
  containerId: string
  sandbox: string
  /** pid of the executor (leader of its process group) */
  pid?: number
  /** its start time from /proc/<pid>/stat, so that a reused pid is not taken for it */
  pidStart?: string
  /** the executor subscribed at least once (LAUNCH events for `tasks` not in `queued` were sent) */
  subscribedOnce: boolean
  tasks: Array<{ info: TaskInfo; state: TaskState; killRequested: boolean }>
  /** ids of tasks not yet sent to the executor */
  queued: string[]
}

const safe = (id: string) => encodeURIComponent(id)

/** Reads and writes the checkpoint under `<work dir>/meta`. */
export class Checkpoint {
  readonly meta: string

  constructor(workDir: string) {
    this.meta = join(workDir, 'meta')
  }

  /**
   * The agent id of the previous run of this agent (same work dir), if any, and only when that run
   * had the same address (hostname and port; as Mesos compares its checkpointed slave.info with the
   * flags): a work dir reused for another agent does not take over the old one's identity.
   */
  agentId(expected?: { hostname: string; port: number }): string | undefined {
    let id: string | undefined
    try {
      id = readFileSync(join(this.meta, 'slaves', 'latest'), 'utf8').trim() || undefined
    } catch {
      return undefined
    }
    if (!id || !expected) return id
    try {
      const info = JSON.parse(readFileSync(join(this.meta, 'slaves', safe(id), 'slave.info'), 'utf8')) as {
        hostname?: string
        port?: number
      }
      return info.hostname === expected.hostname && info.port === expected.port ? id : undefined
    } catch {
      return undefined
    }
  }

  saveAgentId(id: string, info: { hostname: string; port: number }): void {
    this.write(join(this.meta, 'slaves', safe(id), 'slave.info'), JSON.stringify(info))
    this.write(join(this.meta, 'slaves', 'latest'), id)
  }

  private runFile(frameworkId: string, executorId: string, containerId: string): string {
    return join(
      this.meta,
      'frameworks',
      safe(frameworkId),
      'executors',
      safe(executorId),
      'runs',
      safe(containerId),
      'run.json',
    )
  }

  private updatesFile(frameworkId: string, taskId: string): string {
    return join(this.meta, 'frameworks', safe(frameworkId), 'tasks', safe(taskId), 'task.updates')
  }

  saveRun(run: RunCheckpoint): void {
    this.write(this.runFile(run.frameworkId, run.executorId, run.containerId), JSON.stringify(run))
  }

  removeRun(frameworkId: string, executorId: string, containerId: string): void {
    rmSync(dirname(this.runFile(frameworkId, executorId, containerId)), { recursive: true, force: true })
  }

  /** The unacknowledged updates of one task (an empty list removes the file). */
  saveUpdates(frameworkId: string, taskId: string, updates: readonly TaskStatus[]): void {
    const file = this.updatesFile(frameworkId, taskId)
    if (updates.length === 0) rmSync(dirname(file), { recursive: true, force: true })
    else this.write(file, JSON.stringify(updates))
  }

  /** Every checkpointed executor run (unreadable files are skipped and returned as problems). */
  runs(): { runs: RunCheckpoint[]; problems: string[] } {
    const runs: RunCheckpoint[] = []
    const problems: string[] = []
    for (const fw of this.list(join(this.meta, 'frameworks'))) {
      for (const ex of this.list(join(this.meta, 'frameworks', fw, 'executors'))) {
        for (const c of this.list(join(this.meta, 'frameworks', fw, 'executors', ex, 'runs'))) {
          const file = join(this.meta, 'frameworks', fw, 'executors', ex, 'runs', c, 'run.json')
          try {
            runs.push(JSON.parse(readFileSync(file, 'utf8')) as RunCheckpoint)
          } catch (e) {
            problems.push(`${file}: ${(e as Error).message}`)
          }
        }
      }
    }
    return { runs, problems }
  }

  /** Every checkpointed update stream: framework id, task id, updates in order. */
  updates(): Array<{ frameworkId: string; taskId: string; updates: TaskStatus[] }> {
    const out: Array<{ frameworkId: string; taskId: string; updates: TaskStatus[] }> = []
    for (const fw of this.list(join(this.meta, 'frameworks'))) {
      for (const t of this.list(join(this.meta, 'frameworks', fw, 'tasks'))) {
        try {
          const updates = JSON.parse(
            readFileSync(join(this.meta, 'frameworks', fw, 'tasks', t, 'task.updates'), 'utf8'),
          ) as TaskStatus[]
          out.push({ frameworkId: decodeURIComponent(fw), taskId: decodeURIComponent(t), updates })
        } catch {
          // a half-written file cannot exist (atomic writes); a missing one means nothing pending
        }
      }
    }
    return out
  }

  private list(dir: string): string[] {
    try {
      return readdirSync(dir).filter((n) => statSync(join(dir, n)).isDirectory())
    } catch {
      return []
    }
  }

  /**
   * Atomic (temp file + rename) but not fsynced: the checkpoint serves executors that outlive the
   * agent process, and the page cache outlives a crashed process too; after a host crash the
   * executors are gone anyway (Mesos then registers the agent anew).
   */
  private write(file: string, text: string): void {
    mkdirSync(dirname(file), { recursive: true })
    // 0600: a run's ExecutorInfo carries its environment, secrets included
    writeFileAtomic.sync(file, text, { fsync: false, mode: 0o600 })
  }
}
