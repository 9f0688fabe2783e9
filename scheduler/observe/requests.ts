/** Requests to executors that wait for their reply (framework messages with a request id), and how each ended. */

import { randomUUID } from 'node:crypto'
import type { ExecutorReply, ExecutorRequest } from '../../contract/index.js'

/** Distributes a request over `ExecutorRequest`'s union members, dropping `requestId`. */
export type RequestBody = ExecutorRequest extends infer R
  ? R extends ExecutorRequest
    ? Omit<R, 'requestId'>
    : never
  : never

/** How a request to an executor ended. `ok` carries the reply; `timeout` means no reply in time. */
export type RequestOutcome = { status: 'ok'; reply: ExecutorReply } | { status: 'timeout' }

interface Pending {
  executorId: string
  type: ExecutorRequest['type']
  resolve(o: RequestOutcome): void
  timer: NodeJS.Timeout
}

/**
 * Requests to executors that wait for their reply (as mesos/kafka's `BrokerLogManager.scala`): each gets a fresh `requestId`;
 * a reply from the same executor with that id and type completes it; otherwise it ends as `timeout`.
 * Framework messages are unreliable, so a lost request or reply is just a timeout.
 */
export class ExecutorRequests {
  private readonly pending = new Map<string, Pending>()

  /** Requests waiting for a reply now. */
  get size(): number {
    return this.pending.size
  }

  /**
   * Sends `body` with a new requestId through `send` and waits up to `timeoutMs` for the reply.
   * @throws whatever `send` throws (the request is then forgotten)
   */
  async ask(
    executorId: string,
    body: RequestBody,
    timeoutMs: number,
    send: (req: ExecutorRequest) => Promise<void>,
  ): Promise<RequestOutcome> {
    const requestId = randomUUID()
    const outcome = new Promise<RequestOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(requestId)
        resolve({ status: 'timeout' })
      }, timeoutMs)
      timer.unref()
      this.pending.set(requestId, { executorId, type: body.type, resolve, timer })
    })
    try {
      await send({ ...body, requestId } as ExecutorRequest)
    } catch (e) {
      const p = this.pending.get(requestId)
      if (p) clearTimeout(p.timer)
      this.pending.delete(requestId)
      throw e
    }
    return outcome
  }

  /** Completes the request a reply answers. @returns false when no such request waits (late, unknown or from another executor) */
  complete(executorId: string, reply: ExecutorReply): boolean {
    const p = this.pending.get(reply.requestId)
    if (!p || p.executorId !== executorId || p.type !== reply.type) return false
    clearTimeout(p.timer)
    this.pending.delete(reply.requestId)
    p.resolve({ status: 'ok', reply })
    return true
  }
}
