/** The containerizer: runs each executor in a container, a launcher's process group plus isolators (volumes, cgroups, memory). */
import { randomUUID } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { CommandInfo, TaskInfo } from '../../proto/index.js'
import { Cgroups2 } from './cgroups.js'
import { CgroupsMemoryIsolator } from './cgroups-isolator.js'
import { type Container, type ContainerResources, cpusLimit, memLimitMb } from './container.js'
import { type FetchStores, fetchStores, fetchUris } from './fetcher.js'
import type { Isolator } from './isolator.js'
import {
  type LaunchedProcess,
  launchCommand,
  processStartTime,
  recoverProcess,
  signalGroup,
  stopGroup,
} from './launcher.js'
import { MemorySupervisor } from './memory-supervisor.js'
import { allProcesses, treeUsage } from './monitor.js'
import { SandboxGc, type SandboxGcOptions } from './sandbox-gc.js'
import { VolumeIsolator } from './volume-isolator.js'
import type { AgentResources } from './volumes.js'

const MB = 1024 * 1024

/** Containerizer settings. Durations in ms. */
export interface ContainerizerOptions {
  /** the agent's work dir: sandboxes under `slaves/`, the fetch cache in `cache/`, shared installs in `installs/`, executors' data in `data/` */
  workDir: string
  /** grace period between SIGTERM and SIGKILL when a container is stopped */
  shutdownGraceMs: number
  /**
   * Kill a container whose resident memory exceeds its mem (cgroup v2 when writable, and the /proc
   * supervisor); false = only account.
   */
  enforceMemoryLimits: boolean
  /** the persistent volumes (linked into sandboxes by the volume isolator) */
  volumes: AgentResources
  /** the fetcher cache's bound in bytes (Mesos `--fetcher_cache_size`; default 2 GB) */
  fetcherCacheBytes?: number
  /** sandbox GC (./sandbox-gc.ts): `--gc-delay`, `--disk-watch-interval`, `--gc-disk-headroom` */
  gc?: Pick<SandboxGcOptions, 'gcDelayMs' | 'diskWatchIntervalMs' | 'gcDiskHeadroom'>
  log: Logger
}

/** A container's usage as Mesos `ResourceStatistics` (`include/mesos/v1/mesos.proto`, subset): times in s, sizes in bytes. */
export interface ResourceStatistics {
  timestamp: number
  cpus_user_time_secs: number
  cpus_system_time_secs: number
  cpus_limit: number
  mem_rss_bytes: number
  mem_limit_bytes: number
  mem_max_rss_bytes: number
  processes: number
}

/**
 * As Mesos's containerizer (`src/slave/containerizer/mesos/containerizer.hpp`): a container is a
 * sandbox plus a process group started by the launcher (./launcher.ts), isolated by the isolators
 * (./isolator.ts) in this order: volumes (`filesystem/posix`), then, when memory limits are
 * enforced, `cgroups/mem` (where cgroup v2 is writable) and the /proc memory supervisor (`posix/mem`).
 */
export class Containerizer {
  private readonly isolators: Isolator[]
  private readonly log: Logger
  private monitor?: NodeJS.Timeout
  /** executors' shared data dir (`KM_DATA_DIR`), created before the first launch */
  readonly dataDir: string
  /** the fetcher's cache and the shared installs (`<work dir>/cache`, `<work dir>/installs`) */
  readonly stores: FetchStores
  /** removes finished executors' sandboxes (./sandbox-gc.ts) */
  readonly gc: SandboxGc

  constructor(private readonly options: ContainerizerOptions) {
    this.log = options.log
    this.dataDir = join(options.workDir, 'data')
    this.stores = fetchStores(options.workDir, options.fetcherCacheBytes)
    this.gc = new SandboxGc({ workDir: options.workDir, ...options.gc, log: options.log })
    const cgroups = options.enforceMemoryLimits ? Cgroups2.detect() : undefined
    this.log.info(
      {
        memoryIsolation: !options.enforceMemoryLimits
          ? 'off (accounting only)'
          : cgroups
            ? `cgroup v2 (${cgroups.base}) and /proc supervisor`
            : '/proc supervisor (no writable cgroup v2)',
      },
      'memory isolation',
    )
    this.isolators = [
      new VolumeIsolator(options.volumes, this.log),
      ...(cgroups ? [new CgroupsMemoryIsolator(cgroups, this.log)] : []),
      ...(options.enforceMemoryLimits ? [new MemorySupervisor(this.log)] : []),
    ]
  }

  /**
   * A new container for an executor, with a fresh id and its sandbox path (Mesos
   * `src/slave/paths.hpp` layout); nothing is created on disk until {@link launch}.
   */
  create(spec: {
    agentId: string | undefined
    frameworkId: string
    executorId: string
    builtin: boolean
    perTaskSandboxes: boolean
    resources: () => ContainerResources
  }): Container {
    const id = randomUUID()
    const { agentId, frameworkId, ...rest } = spec
    const sandbox = join(
      this.options.workDir,
      'slaves',
      agentId ?? 'unknown',
      'frameworks',
      frameworkId,
      'executors',
      spec.executorId,
      'runs',
      id,
    )
    return { id, sandbox, ...rest }
  }

  /**
   * Launches the executor of a container: creates the sandbox, prepares the isolators (volumes) for
   * `tasks`, fetches the command's URIs, spawns the command as a process group with `env()`, then
   * isolates it (cgroup). Sets `container.process` and `container.pidStart`.
   * @param cancelled checked after the fetch: true stops the launch ('killed while fetching')
   * @throws FetchError, or an Error when a volume cannot be linked or the process cannot be spawned
   */
  async launch(
    container: Container,
    how: {
      command: CommandInfo
      tasks: readonly TaskInfo[]
      env: () => Record<string, string>
      cancelled: () => boolean
    },
  ): Promise<LaunchedProcess> {
    await mkdir(container.sandbox, { recursive: true })
    for (const i of this.isolators) i.prepare?.(container, how.tasks)
    await fetchUris(how.command.uris ?? [], container.sandbox, this.stores)
    if (how.cancelled()) throw new Error('killed while fetching')
    await mkdir(this.dataDir, { recursive: true })
    const launched = launchCommand(how.command, container.sandbox, how.env())
    container.process = launched
    for (const i of this.isolators) i.isolate?.(container)
    container.pidStart = processStartTime(launched.pid)
    return launched
  }

  /**
   * Re-attaches a container found in the checkpoint after an agent restart, when its executor
   * (`pid`, started at `container.pidStart`) still runs. @returns false when it is gone
   */
  recover(container: Container, pid: number): boolean {
    const found = recoverProcess(pid, container.pidStart)
    if (!found) return false
    container.process = found
    return true
  }

  /** Tasks were added to a running container: their volumes are linked, its limits follow. @throws when a volume cannot be linked */
  update(container: Container, added: readonly TaskInfo[]): void {
    for (const i of this.isolators) i.update?.(container, added)
  }

  /** Stops a container's process group: SIGTERM, then SIGKILL after the shutdown grace period. */
  async stop(container: Container): Promise<void> {
    if (container.process) await stopGroup(container.process.pid, this.options.shutdownGraceMs)
  }

  /**
   * The container's executor exited: whatever is left of its process group is killed (nothing may
   * outlive it, e.g. a Kafka JVM after kill -9 of its executor), and the isolators clean up; a limit
   * that killed it is in `container.limitation` afterwards. Its sandbox is scheduled for GC.
   */
  destroy(container: Container): void {
    if (container.process) signalGroup(container.process.pid, 'SIGKILL')
    for (const i of this.isolators) i.cleanup?.(container)
    this.gc.schedule(container.sandbox)
  }

  /** Samples the containers of `containers()` every `intervalMs` (see {@link sample}) until {@link stopMonitor}. */
  startMonitor(containers: () => Iterable<Container>, intervalMs: number): void {
    this.monitor = setInterval(() => {
      try {
        this.sample(containers())
      } catch (e) {
        this.log.error({ err: (e as Error).message, what: 'monitor' }, 'sampling the containers failed')
      }
    }, intervalMs)
    this.monitor.unref()
    // sandboxes of runs an earlier agent process left behind are collected like finished ones
    this.gc.scheduleLeftovers(new Set([...containers()].map((c) => c.sandbox)))
    this.gc.start()
  }

  stopMonitor(): void {
    if (this.monitor) clearInterval(this.monitor)
    this.gc.stop()
  }

  /**
   * One /proc sample of every launched container's process tree (one scan for all): sets
   * `container.usage` (cpu time, RSS, peak) and hands the sample to the isolators (the memory
   * supervisor kills a container over its limit).
   */
  sample(containers: Iterable<Container>): void {
    const launched = [...containers].filter((c) => c.process)
    if (launched.length === 0) return
    const procs = allProcesses()
    const now = Date.now() / 1000
    for (const c of launched) {
      const tree = treeUsage(c.process!.pid, procs)
      c.usage = {
        ...tree,
        timestamp: now,
        memLimitBytes: memLimitMb(c) * MB,
        memPeakBytes: Math.max(c.usage?.memPeakBytes ?? 0, tree.memRssBytes),
      }
      for (const i of this.isolators) i.usage?.(c, tree)
    }
  }

  /** The container's latest usage and its limits, as Mesos `/monitor/statistics` reports them. */
  statistics(c: Container): ResourceStatistics {
    return {
      timestamp: c.usage?.timestamp ?? Date.now() / 1000,
      cpus_user_time_secs: c.usage?.cpusUserTimeSecs ?? 0,
      cpus_system_time_secs: c.usage?.cpusSystemTimeSecs ?? 0,
      cpus_limit: cpusLimit(c),
      mem_rss_bytes: c.usage?.memRssBytes ?? 0,
      mem_limit_bytes: memLimitMb(c) * MB,
      mem_max_rss_bytes: c.usage?.memPeakBytes ?? 0,
      processes: c.usage?.pids.length ?? 0,
    }
  }
}
