/** Agent recovery: checkpointing the runs, updates and id of checkpointing frameworks, and re-attaching executors after an agent restart. */
import type { Logger } from 'pino'
import { type FrameworkInfo, isTerminal, type TaskInfo, type TaskState, type TaskStatus } from '../proto/index.js'
import { Checkpoint, type RunCheckpoint } from './checkpoint.js'
import type { Containerizer } from './containerizer/index.js'
import { type ExecutorRun, type ExecutorRuns, runResources } from './runs.js'

/** What recovery needs from its agent. Durations in ms. */
export interface RecoveryOptions {
  /** the agent's work dir; the checkpoint is its `meta/` */
  workDir: string
  /** the agent's own address: a checkpoint of another address is not this agent's */
  address: { hostname: string; port: number }
  /** how long re-attached executors have to re-subscribe before they are killed (Mesos `--executor_reregistration_timeout`) */
  reregisterTimeoutMs: number
  runs: ExecutorRuns
  containerizer: Pick<Containerizer, 'recover' | 'stop'>
  /** the agent id found in the checkpoint */
  adoptAgentId(id: string): void
  /** re-queues a checkpointed status update that was never acknowledged */
  enqueue(frameworkId: string, status: TaskStatus): void
  /** sends a status update of the agent's own for a task of `run` */
  agentStatus(run: ExecutorRun, task: TaskInfo, state: TaskState, reason: string, message: string): void
  /** watches a re-attached run's executor until it exits */
  watch(run: ExecutorRun): void
  log: Logger
}

/**
 * The agent's checkpoint and recovery, as Mesos's (`--recover=reconnect`, `docs/agent-recovery.md`),
 * for frameworks with `checkpoint=true` only. After a restart (kill -9 included) the agent keeps its
 * id; the executors of checkpointing frameworks that still run are re-attached (they re-subscribe on
 * their own) and their tasks reported to the master on REGISTER; executors that died meanwhile fail
 * their tasks; unacknowledged updates are sent again. Nothing is launched again. The files are
 * described in ./checkpoint.ts.
 */
export class Recovery {
  private readonly checkpoint: Checkpoint
  /** frameworks with checkpoint=true that have (had) work here: their runs and updates are checkpointed */
  private readonly checkpointing = new Set<string>()

  constructor(private readonly o: RecoveryOptions) {
    this.checkpoint = new Checkpoint(o.workDir)
  }

  /** A framework has work here from now on: when it checkpoints, so are its status updates. */
  track(framework: FrameworkInfo): void {
    if (framework.checkpoint && framework.id) this.checkpointing.add(framework.id.value)
  }

  /** Writes the run's checkpoint if its framework checkpoints. */
  saveRun(run: ExecutorRun): void {
    if (!run.framework.checkpoint) return
    this.safely('checkpoint run', () => this.checkpoint.saveRun(toCheckpoint(run)))
  }

  /** Forgets the run's checkpoint. */
  removeRun(run: ExecutorRun): void {
    this.safely('remove run checkpoint', () =>
      this.checkpoint.removeRun(run.frameworkId, run.executorId, run.container.id),
    )
  }

  /** Checkpoints a task's unacknowledged updates (an empty queue: all acknowledged), for checkpointing frameworks. */
  saveUpdates(frameworkId: string, taskId: string, queue: readonly TaskStatus[]): void {
    if (this.checkpointing.has(frameworkId))
      this.safely('checkpoint status updates', () => this.checkpoint.saveUpdates(frameworkId, taskId, queue))
  }

  /** Checkpoints the id the master gave this agent (with its address), unless it is checkpointed already. */
  saveAgentId(id: string): void {
    if (this.checkpoint.agentId(this.o.address) !== id)
      this.safely('checkpoint agent id', () => this.checkpoint.saveAgentId(id, this.o.address))
  }

  /**
   * Recovers from the checkpoint: the agent id (only when the checkpoint is of this address), then
   * the unacknowledged updates (first, so that they keep their order before anything said now), then
   * the runs. A re-attached executor that does not re-subscribe within the re-registration timeout is
   * killed. I/O errors are logged, not thrown.
   */
  recover(): void {
    this.safely('recovery', () => this.recoverRuns())
  }

  private recoverRuns(): void {
    const { address, log } = this.o
    const id = this.checkpoint.agentId(address)
    if (id) this.o.adoptAgentId(id)
    else if (this.checkpoint.agentId()) {
      log.warn(
        { workDir: this.o.workDir, ...address },
        'the checkpoint in the work dir is of an agent with another address; starting as a new agent',
      )
      return
    }
    for (const u of this.checkpoint.updates()) {
      this.checkpointing.add(u.frameworkId)
      for (const status of u.updates) this.o.enqueue(u.frameworkId, status)
    }
    const { runs, problems } = this.checkpoint.runs()
    for (const p of problems) log.warn({ problem: p }, 'unreadable checkpoint skipped')
    const reattached: ExecutorRun[] = []
    for (const cp of runs) {
      this.checkpointing.add(cp.frameworkId)
      const run = fromCheckpoint(cp)
      if (cp.pid && this.o.containerizer.recover(run.container, cp.pid)) {
        this.o.runs.add(run)
        this.o.watch(run)
        reattached.push(run)
        log.info(
          { executor: run.executorId, framework: run.frameworkId, pid: cp.pid, tasks: run.tasks.size },
          'recovered a running executor from the checkpoint',
        )
      } else {
        log.warn(
          { executor: run.executorId, framework: run.frameworkId, pid: cp.pid },
          'checkpointed executor is gone; failing its tasks',
        )
        for (const t of run.tasks.values())
          if (!isTerminal(t.state))
            this.o.agentStatus(
              run,
              t.info,
              'TASK_FAILED',
              'REASON_EXECUTOR_TERMINATED',
              'Executor terminated while the agent was down',
            )
        this.removeRun(run)
      }
    }
    if (reattached.length > 0) this.killUnsubscribedLater(reattached)
  }

  /** After the re-registration timeout, kills the re-attached executors that have not re-subscribed. */
  private killUnsubscribedLater(reattached: ExecutorRun[]): void {
    const timeoutMs = this.o.reregisterTimeoutMs
    const timer = setTimeout(() => {
      for (const run of reattached) {
        if (!run.recovered || run.stream || !this.o.runs.isCurrent(run)) continue
        this.o.log.warn(
          { executor: run.executorId, timeoutMs },
          'recovered executor did not re-subscribe in time; killing it',
        )
        run.reregistrationTimedOut = true
        void this.o.containerizer.stop(run.container)
      }
    }, timeoutMs)
    timer.unref()
  }

  private safely(what: string, f: () => void): void {
    try {
      f()
    } catch (e) {
      this.o.log.error({ err: (e as Error).message, what }, 'checkpoint I/O failed')
    }
  }
}

/** A run as checkpointed: enough to find its executor again and re-attach its tasks. */
function toCheckpoint(run: ExecutorRun): RunCheckpoint {
  return {
    frameworkId: run.frameworkId,
    framework: run.framework,
    executorId: run.executorId,
    info: run.info,
    commandExecutor: run.commandExecutor,
    defaultExecutor: run.defaultExecutor,
    containerId: run.container.id,
    sandbox: run.container.sandbox,
    pid: run.container.process?.pid,
    pidStart: run.container.pidStart,
    subscribedOnce: run.subscribedOnce,
    tasks: [...run.tasks.values()].map((t) => ({ info: t.info, state: t.state, killRequested: t.killRequested })),
    queued: run.queued.map((t) => t.task_id.value),
  }
}

/** The run a checkpoint describes, marked recovered; its container has no process until re-attached. */
function fromCheckpoint(cp: RunCheckpoint): ExecutorRun {
  const run: ExecutorRun = {
    frameworkId: cp.frameworkId,
    framework: cp.framework,
    executorId: cp.executorId,
    info: cp.info,
    container: {
      id: cp.containerId,
      executorId: cp.executorId,
      sandbox: cp.sandbox,
      builtin: cp.commandExecutor || !!cp.defaultExecutor,
      perTaskSandboxes: !!cp.defaultExecutor,
      resources: () => runResources(run),
      pidStart: cp.pidStart,
    },
    queued: cp.tasks.filter((t) => cp.queued.includes(t.info.task_id.value)).map((t) => t.info),
    tasks: new Map(cp.tasks.map((t) => [t.info.task_id.value, { ...t }])),
    commandExecutor: cp.commandExecutor,
    defaultExecutor: cp.defaultExecutor,
    shuttingDown: false,
    subscribedOnce: cp.subscribedOnce,
    recovered: true,
  }
  return run
}
