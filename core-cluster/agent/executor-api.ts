/** The agent's side of the v1 executor API: the SUBSCRIBE, UPDATE and MESSAGE calls of executors, and the events sent to them. */
import type { Logger } from 'pino'
import type { EventStream } from '../http/index.js'
import {
  type AgentInfo,
  type agent as agentMsg,
  encode,
  type executor as executorMsg,
  type TaskInfo,
  type TaskStatus,
} from '../proto/index.js'
import type { ExecutorRun, ExecutorRuns } from './runs.js'

/** What the executor API needs from its agent. */
export interface ExecutorApiOptions {
  runs: ExecutorRuns
  /** the agent id, once registered */
  agentId(): string | undefined
  /** the AgentInfo sent in SUBSCRIBED */
  agentInfo(): AgentInfo
  /** queues a status update for the master (the status-update manager retries it until acknowledged) */
  enqueue(frameworkId: string, status: TaskStatus): void
  /** checkpoints the run (when its framework checkpoints) */
  saveRun(run: ExecutorRun): void
  /** sends a call to the master (unreliable: false when it was not taken) */
  post(call: agentMsg.Call): Promise<boolean>
  log: Logger
}

/**
 * The calls of `include/mesos/v1/executor/executor.proto` as a Mesos agent answers them
 * (`docs/executor-http-api.md`; the HTTP side is ./server.ts). Each call method returns the reason
 * for a 400 answer, or undefined when the call was taken.
 */
export class ExecutorApi {
  constructor(private readonly o: ExecutorApiOptions) {}

  /** Sends one event on the run's SUBSCRIBE stream (JSON), if it is subscribed. */
  send(run: ExecutorRun, event: executorMsg.Event): void {
    run.stream?.send(encode('mesos.v1.executor.Event', event, 'application/json'))
  }

  /** Sends tasks to a subscribed executor: one LAUNCH_GROUP for the default executor, LAUNCH each otherwise. */
  deliver(run: ExecutorRun, tasks: TaskInfo[]): void {
    if (tasks.length === 0) return
    if (run.defaultExecutor) this.send(run, { type: 'LAUNCH_GROUP', launch_group: { task_group: { tasks } } })
    else for (const task of tasks) this.send(run, { type: 'LAUNCH', launch: { task } })
  }

  /**
   * SUBSCRIBE: replays the executor's unacknowledged updates, answers SUBSCRIBED, acknowledges the
   * replayed updates, then sends the LAUNCH events queued for it. A new stream replaces an older one.
   * @returns an error message (400) when the framework or executor is unknown
   */
  subscribe(call: executorMsg.Call, stream: EventStream): string | undefined {
    const run = this.o.runs.get(call.framework_id.value, call.executor_id.value)
    if (!run) return unknown(call)
    run.stream?.close()
    run.stream = stream
    stream.onClose(() => {
      if (run.stream === stream) run.stream = undefined
    })
    // Updates the executor sent while nobody took them (e.g. while this agent was down): taken now.
    const replayed = call.subscribe?.unacknowledged_updates ?? []
    for (const u of replayed) {
      const task = run.tasks.get(u.status.task_id.value)
      if (task && u.status.state !== 'TASK_STAGING') task.state = u.status.state
      this.o.enqueue(run.frameworkId, this.fromExecutor(run, u.status))
    }
    this.o.log.info(
      { executor: run.executorId, resubscribed: run.subscribedOnce, replayedUpdates: replayed.length },
      run.recovered ? 'recovered executor re-subscribed' : 'executor subscribed',
    )
    run.subscribedOnce = true
    run.recovered = false
    this.send(run, {
      type: 'SUBSCRIBED',
      subscribed: {
        executor_info: run.info,
        framework_info: run.framework,
        agent_info: this.o.agentInfo(),
        container_id: { value: run.container.id },
      },
    })
    for (const u of replayed)
      if (u.status.uuid)
        this.send(run, { type: 'ACKNOWLEDGED', acknowledged: { task_id: u.status.task_id, uuid: u.status.uuid } })
    this.deliver(run, run.queued.splice(0))
    this.o.saveRun(run)
    return undefined
  }

  /**
   * UPDATE: validated as Mesos validates it (a `uuid` of 16 bytes, not TASK_STAGING), acknowledged to
   * the executor at once, queued for the master.
   * @returns an error message (400) or undefined
   */
  update(call: executorMsg.Call): string | undefined {
    const run = this.o.runs.get(call.framework_id.value, call.executor_id.value)
    if (!run) return unknown(call)
    const status = call.update?.status
    if (!status) return "Expecting 'update' to be present"
    if (!status.uuid || Buffer.from(status.uuid, 'base64').length !== 16)
      return "'status.uuid' must be a valid 16-byte UUID"
    if (status.state === 'TASK_STAGING') return "'status.state' must not be TASK_STAGING"
    const task = run.tasks.get(status.task_id.value)
    if (task) task.state = status.state
    this.o.enqueue(run.frameworkId, this.fromExecutor(run, status))
    this.o.saveRun(run)
    this.send(run, { type: 'ACKNOWLEDGED', acknowledged: { task_id: status.task_id, uuid: status.uuid } })
    return undefined
  }

  /** MESSAGE: forwarded to the scheduler through the master (unreliable). @returns an error message (400) or undefined */
  message(call: executorMsg.Call): string | undefined {
    const run = this.o.runs.get(call.framework_id.value, call.executor_id.value)
    if (!run) return unknown(call)
    if (!call.message) return "Expecting 'message' to be present"
    void this.o.post({
      type: 'EXECUTOR_MESSAGE',
      executor_message: {
        framework_id: { value: run.frameworkId },
        executor_id: { value: run.executorId },
        data: call.message.data,
      },
    })
    return undefined
  }

  /** An executor's status update as the agent forwards it: source, agent id and executor id set by the agent. */
  private fromExecutor(run: ExecutorRun, status: TaskStatus): TaskStatus {
    const agentId = this.o.agentId()
    return {
      ...status,
      source: 'SOURCE_EXECUTOR',
      agent_id: agentId ? { value: agentId } : undefined,
      executor_id: { value: run.executorId },
    }
  }
}

function unknown(call: executorMsg.Call): string {
  return `Executor ${call.executor_id.value} of framework ${call.framework_id.value} is unknown`
}
