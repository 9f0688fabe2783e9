/** Sandbox garbage collection: a finished executor's run dir is removed after the GC delay, sooner when the disk fills. */
import { readdirSync, statSync } from 'node:fs'
import { rm, statfs } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { Logger } from 'pino'

/** GC settings; durations in ms. Defaults are Mesos's (`docs/configuration/agent.md`). */
export interface SandboxGcOptions {
  /** the agent's work dir; only run dirs under `<work dir>/slaves/` are ever removed */
  workDir: string
  /** how long a finished executor's sandbox is kept at most (Mesos `--gc_delay`, default 1 week) */
  gcDelayMs?: number
  /** how often the disk's usage is checked (Mesos `--disk_watch_interval`, default 1 min) */
  diskWatchIntervalMs?: number
  /** the share of the disk kept free (Mesos `--gc_disk_headroom`, default 0.1) */
  gcDiskHeadroom?: number
  log: Logger
}

export const DEFAULT_GC_DELAY_MS = 7 * 24 * 3600 * 1000
export const DEFAULT_DISK_WATCH_INTERVAL_MS = 60 * 1000
export const DEFAULT_GC_DISK_HEADROOM = 0.1

/**
 * The age after which a finished sandbox goes, given the disk's usage (0..1), as Mesos's
 * `Slave::_checkDiskUsage` (`src/slave/slave.cpp`): `gc_delay × max(0, 1 − headroom − usage)`.
 * An empty disk keeps sandboxes about the whole delay; at `1 − headroom` full they go at once.
 */
export function maxSandboxAgeMs(gcDelayMs: number, headroom: number, usage: number): number {
  return gcDelayMs * Math.max(0, 1 - headroom - usage)
}

/**
 * As Mesos's garbage collector (`src/slave/gc.hpp`): each finished executor run's sandbox
 * (`<work dir>/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/<container>`) is scheduled when
 * its executor exits, and removed once older than {@link maxSandboxAgeMs}, checked at the GC delay
 * and on every disk watch. What it never touches: anything outside `<work dir>/slaves/` (broker
 * data in `<work dir>/data`, persistent volumes in `<work dir>/volumes`, the fetch cache and the
 * installs); the links a sandbox holds to volumes and installs are removed as links, never followed
 * (fs.rm does not follow symlinks).
 */
export class SandboxGc {
  private readonly scheduled = new Map<string, number>()
  private timer?: NodeJS.Timeout
  private readonly gcDelayMs: number
  private readonly headroom: number
  private readonly slaves: string

  constructor(private readonly o: SandboxGcOptions) {
    this.gcDelayMs = o.gcDelayMs ?? DEFAULT_GC_DELAY_MS
    this.headroom = o.gcDiskHeadroom ?? DEFAULT_GC_DISK_HEADROOM
    this.slaves = join(o.workDir, 'slaves')
  }

  /** Schedules the sandbox of a run that finished at `finishedAtMs` (default now). Paths outside `<work dir>/slaves/` are refused (logged). */
  schedule(sandbox: string, finishedAtMs = Date.now()): void {
    const rel = relative(this.slaves, sandbox)
    if (rel === '' || rel.startsWith('..') || rel.split(sep).length < 7) {
      this.o.log.warn({ sandbox }, 'not a run dir under <work dir>/slaves: not garbage collected')
      return
    }
    this.scheduled.set(sandbox, finishedAtMs)
    const t = setTimeout(() => void this.prune(0), Math.max(0, finishedAtMs + this.gcDelayMs - Date.now()) + 1)
    t.unref()
  }

  /**
   * Schedules every run dir under `<work dir>/slaves/` that is not in `live` (runs left by an
   * earlier agent process), as finished at its last modification.
   */
  scheduleLeftovers(live: ReadonlySet<string>): void {
    const ls = (d: string) => {
      try {
        return readdirSync(d)
      } catch {
        return []
      }
    }
    for (const agent of ls(this.slaves))
      for (const fw of ls(join(this.slaves, agent, 'frameworks')))
        for (const ex of ls(join(this.slaves, agent, 'frameworks', fw, 'executors')))
          for (const run of ls(join(this.slaves, agent, 'frameworks', fw, 'executors', ex, 'runs'))) {
            const dir = join(this.slaves, agent, 'frameworks', fw, 'executors', ex, 'runs', run)
            if (live.has(dir)) continue
            try {
              this.schedule(dir, statSync(dir).mtimeMs)
            } catch {}
          }
  }

  /** Checks the disk every disk watch interval (unref'd timer) and prunes. */
  start(): void {
    this.timer = setInterval(() => void this.checkDisk(), this.o.diskWatchIntervalMs ?? DEFAULT_DISK_WATCH_INTERVAL_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }

  /** The sandboxes waiting for removal, with when they finished. */
  pending(): ReadonlyMap<string, number> {
    return this.scheduled
  }

  /** One disk watch: the work dir's file system usage sets the age limit, then prunes. */
  async checkDisk(): Promise<void> {
    const usage = await statfs(this.o.workDir).then(
      (s) => (s.blocks > 0 ? 1 - s.bavail / s.blocks : 0),
      () => 0,
    )
    await this.prune(usage)
  }

  /** Removes the scheduled sandboxes older than the age limit at disk `usage` (0..1). @returns the removed paths */
  async prune(usage: number): Promise<string[]> {
    const maxAge = maxSandboxAgeMs(this.gcDelayMs, this.headroom, usage)
    const now = Date.now()
    const removed: string[] = []
    for (const [dir, finished] of [...this.scheduled]) {
      if (now - finished < maxAge) continue
      this.scheduled.delete(dir)
      try {
        await rm(dir, { recursive: true, force: true })
        removed.push(dir)
      } catch (e) {
        this.o.log.warn({ sandbox: dir, err: (e as Error).message }, 'removing a finished sandbox failed')
      }
    }
    if (removed.length)
      this.o.log.info(
        { removed: removed.length, diskUsage: Number(usage.toFixed(3)), maxAgeS: Math.round(maxAge / 1000) },
        'garbage collected finished sandboxes',
      )
    return removed
  }
}
