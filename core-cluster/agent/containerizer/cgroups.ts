/** cgroup v2 access for memory isolation: one cgroup per container, its memory limit, its OOM kills and peak use. */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Memory isolation with **cgroup v2** (the agent's `cgroups/mem`), used when the unified hierarchy
 * is mounted at `/sys/fs/cgroup` (or `KM_CGROUP2_ROOT`), offers the `memory` controller and is
 * writable by the agent; otherwise the agent falls back to its /proc supervisor (./memory-supervisor.ts).
 *
 * Layout: `<root>/kafka-mesos/<container id>` per executor run, `memory.max` = the run's limit,
 * `memory.swap.max` = 0; the executor's pid goes into `cgroup.procs` right after it is spawned, so
 * everything it starts is charged there. The kernel OOM-kills inside the cgroup; `memory.events`
 * `oom_kill` tells the agent afterwards that the run died of its memory limit.
 */
export class Cgroups2 {
  private constructor(readonly base: string) {}

  /**
   * The cgroup v2 isolator, or undefined when cgroup v2 with the memory controller is not writable
   * here (e.g. a cgroup v1 host, or an unprivileged agent).
   */
  static detect(root = process.env.KM_CGROUP2_ROOT ?? '/sys/fs/cgroup', name = 'kafka-mesos'): Cgroups2 | undefined {
    try {
      const has = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8').split(/\s+/).includes('memory')
      if (!has(root, 'cgroup.controllers')) return undefined
      const base = join(root, name)
      mkdirSync(base, { recursive: true })
      if (!has(root, 'cgroup.subtree_control')) writeFileSync(join(root, 'cgroup.subtree_control'), '+memory')
      // on a real cgroupfs the new group lists the controllers its parent passes down
      if (existsSync(join(base, 'cgroup.controllers')) && !has(base, 'cgroup.controllers')) return undefined
      if (!existsSync(join(base, 'cgroup.subtree_control')) || !has(base, 'cgroup.subtree_control'))
        writeFileSync(join(base, 'cgroup.subtree_control'), '+memory')
      return new Cgroups2(base)
    } catch {
      return undefined
    }
  }

  /** Creates the cgroup of one executor run with its memory limit; returns its path. @throws on I/O errors */
  create(containerId: string, limitBytes: number): string {
    const dir = join(this.base, containerId)
    mkdirSync(dir, { recursive: true })
    this.setLimit(dir, limitBytes)
    try {
      writeFileSync(join(dir, 'memory.swap.max'), '0')
    } catch {
      // no swap accounting on this kernel
    }
    return dir
  }

  /** Changes a run's limit (tasks added or finished). */
  setLimit(dir: string, limitBytes: number): void {
    writeFileSync(join(dir, 'memory.max'), String(Math.max(1, Math.floor(limitBytes))))
  }

  /** Moves a process (and thereby its future children) into the cgroup. */
  addProcess(dir: string, pid: number): void {
    writeFileSync(join(dir, 'cgroup.procs'), String(pid))
  }

  /** True when the kernel OOM-killed a process of the cgroup (`memory.events` oom_kill > 0). */
  oomKilled(dir: string): boolean {
    try {
      const m = /(?:^|\n)oom_kill (\d+)/.exec(readFileSync(join(dir, 'memory.events'), 'utf8'))
      return !!m && Number(m[1]) > 0
    } catch {
      return false
    }
  }

  /** Highest memory use of the cgroup in bytes (`memory.peak`, kernel 5.19+), if known. */
  peakBytes(dir: string): number | undefined {
    try {
      const n = Number(readFileSync(join(dir, 'memory.peak'), 'utf8').trim())
      return Number.isFinite(n) ? n : undefined
    } catch {
      return undefined
    }
  }

  /** Removes an empty cgroup (best effort; it stays while processes remain). */
  remove(dir: string): void {
    try {
      rmdirSync(dir)
    } catch {
      // not empty yet, or already gone
    }
  }
}
