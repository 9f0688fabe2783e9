/** Framework messages with executors: their metrics reports, the replies to our requests, asking, and the `stop` message. */

import type { Logger } from 'pino'
import { decodeReply, decodeReport, encodeMessage, type KafkaNode } from '../../contract/index.js'
import { ExecutorRequests, type RequestBody, type RequestOutcome } from '../observe/index.js'
import type { MasterCall } from './master-calls.js'

/** Where a task's executor is: its agent and executor id. */
type ExecutorAddress = Pick<NonNullable<KafkaNode['task']>, 'slaveId' | 'executorId'>

/** A framework MESSAGE call to a task's executor (`include/mesos/v1/scheduler/scheduler.proto`, Call.Message). */
export function messageCall(task: ExecutorAddress, data: Buffer): MasterCall {
  return {
    type: 'MESSAGE',
    message: {
      agent_id: { value: task.slaveId },
      executor_id: { value: task.executorId },
      data: data.toString('base64'),
    },
  }
}

/**
 * The scheduler's side of framework messages (contract/executor-messages.ts): metrics reports an
 * executor sends unasked (kept in memory only, as mesos/kafka), replies to requests (`broker log`,
 * `broker metrics`: observe/requests.ts), and the `stop` message of a forced stop (mesos/kafka's
 * `BrokerTaskManager.forceStopBroker`,
 * `src/scala/main/ly/stealth/mesos/kafka/scheduler/mesos/BrokerTaskManager.scala`).
 */
export class ExecutorMessages {
  /** requests to executors waiting for their reply */
  readonly requests = new ExecutorRequests()
  /** executor id → the metrics it last reported unasked */
  private readonly reports = new Map<string, Record<string, number>>()

  constructor(private readonly log: Logger) {}

  /**
   * A message from an executor: a metrics report (kept for a task that still exists; reports of
   * ended tasks are dropped), the reply to a waiting request, else logged and dropped.
   * @param nodes every node, for the executors that still have a task
   */
  received(executorId: string, data: Buffer, nodes: readonly KafkaNode[]): void {
    const report = decodeReport(data)
    if (report) {
      const current = new Set(nodes.map((n) => n.task?.executorId))
      for (const id of this.reports.keys()) if (!current.has(id)) this.reports.delete(id) // tasks that ended
      if (current.has(executorId)) this.reports.set(executorId, report.metrics)
      return
    }
    const reply = decodeReply(data)
    if (!reply || !this.requests.complete(executorId, reply))
      this.log.debug(
        { executor: executorId, bytes: data.length },
        'dropping an executor message that answers no waiting request',
      )
  }

  /**
   * The metrics a node's running task last reported (`timestamp` plus one number per metric), or
   * `{timestamp: 0}` when it has not reported yet; undefined without a task (mesos/kafka's broker JSON).
   */
  reportedMetrics(node: KafkaNode): Record<string, number> | undefined {
    if (!node.task) return undefined
    return this.reports.get(node.task.executorId) ?? { timestamp: 0 }
  }

  /**
   * Sends a request to a node's executor and waits up to `timeoutMs` for its reply.
   * @param send sends the MESSAGE call; @throws Error when the node has no task, or what `send` throws
   */
  async ask(
    node: KafkaNode,
    body: RequestBody,
    timeoutMs: number,
    send: (call: MasterCall) => Promise<void>,
  ): Promise<RequestOutcome> {
    const task = node.task
    if (!task) throw new Error(`${node.role} ${node.id} is not running`)
    return this.requests.ask(task.executorId, body, timeoutMs, (req) => send(messageCall(task, encodeMessage(req))))
  }
}

/** The `stop` message of a forced stop: the executor kills Kafka at once instead of a controlled shutdown. */
export function stopMessage(task: ExecutorAddress): MasterCall {
  return messageCall(task, Buffer.from('stop'))
}
