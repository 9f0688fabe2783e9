/** The v1 executor API client: SUBSCRIBE to the agent and read its events, UPDATE and MESSAGE calls, re-subscription with unacknowledged updates. */
import http from 'node:http'
import { Readable } from 'node:stream'
import { KmError } from '../../errors/index.js'
import { readRecords } from '../http/index.js'
import {
  decode,
  encode,
  type executor,
  type Id,
  JSON_TYPE,
  type KillPolicy,
  newUuidBase64,
  type TaskInfo,
  type TaskState,
  type TaskStatus,
} from '../proto/index.js'
import type { ExecutorEnv } from './executor-env.js'

/**
 * Mesos v1 **executor** HTTP API client (`include/mesos/v1/executor/executor.proto`,
 * `docs/executor-http-api.md`): SUBSCRIBE to the agent and read its RecordIO stream of
 * `executor.Event`s (JSON form; `docs/recordio.md`), send UPDATE and MESSAGE calls, keep every
 * status update until the agent ACKNOWLEDGEs it and re-send unacknowledged updates and tasks in the
 * next SUBSCRIBE. When the stream drops, a checkpointing executor re-subscribes with backoff
 * (≤ `MESOS_SUBSCRIPTION_BACKOFF_MAX`) for up to `MESOS_RECOVERY_TIMEOUT`; otherwise it gives up.
 */

/** Minimal structured logger (pino-compatible: `log.info({ obj }, 'msg')`). */
export interface ClientLogger {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

const silent: ClientLogger = { debug() {}, info() {}, warn() {}, error() {} }

/** Callbacks for the events of the stream. All are optional; exceptions thrown by them are logged. */
export interface ExecutorHandlers {
  /** SUBSCRIBED (first time and after every re-subscription). */
  subscribed?(ev: NonNullable<executor.Event['subscribed']>): void
  /** LAUNCH of one task. */
  launch?(task: TaskInfo): void
  /** LAUNCH_GROUP: the tasks of one task group (an executor of type DEFAULT). */
  launchGroup?(tasks: TaskInfo[]): void
  /** KILL of one task, with the scheduler's kill policy if any. */
  kill?(taskId: Id, killPolicy?: KillPolicy): void
  /** ACKNOWLEDGED: the agent has taken the update with this uuid. */
  acknowledged?(taskId: Id, uuid: string): void
  /** Framework MESSAGE from the scheduler (raw bytes). */
  message?(data: Buffer): void
  /** SHUTDOWN: kill all tasks and exit within the grace period. */
  shutdown?(): void
  /** ERROR from the agent (the client then drops the connection and re-subscribes if checkpointing). */
  error?(message: string): void
  /** The client gave up: no re-subscription possible (not checkpointing, or the recovery timeout elapsed). */
  disconnected?(reason: string): void
}

/** A status update as the executor states it; the client adds uuid, source, executor_id and timestamp. */
export interface StatusInput {
  task_id: Id
  state: TaskState
  message?: string
  reason?: string
  /** raw bytes or a string (UTF-8); sent as base64 */
  data?: Uint8Array | string
  healthy?: boolean
  agent_id?: Id
}

/** Options of {@link ExecutorClient}. */
export interface ExecutorClientOptions {
  env: ExecutorEnv
  handlers: ExecutorHandlers
  log?: ClientLogger
  /** Timeout of one UPDATE/MESSAGE POST, ms (default 10000). */
  callTimeoutMs?: number
  /** How long the first SUBSCRIBE is retried when not checkpointing, ms (default 60000, the agent's registration timeout). */
  initialSubscribeTimeoutMs?: number
}

/**
 * Raised when the agent refuses a call (non-202) or cannot be reached. Code `KM_ERR_EXECUTOR_CALL`;
 * `agentStatus` is the agent's HTTP answer, undefined when there was none.
 */
export class ExecutorCallError extends KmError {
  constructor(
    message: string,
    readonly agentStatus?: number,
  ) {
    super('KM_ERR_EXECUTOR_CALL', message)
  }
}

/**
 * The executor side of the v1 executor API. Usage:
 * ```
 * const c = new ExecutorClient({ env: executorEnvFrom(), handlers: { launch(t) {...} } })
 * c.start()
 * await c.update({ task_id, state: 'TASK_RUNNING', data: 'host:port' })
 * ```
 */
export class ExecutorClient {
  private readonly env: ExecutorEnv
  private readonly handlers: ExecutorHandlers
  private readonly log: ClientLogger
  private readonly callTimeoutMs: number
  private readonly initialSubscribeTimeoutMs: number
  /** uuid → update not yet ACKNOWLEDGED, in send order. */
  private readonly unackedUpdates = new Map<string, TaskStatus>()
  /** task id → launched task with no acknowledged update yet. */
  private readonly unackedTasks = new Map<string, TaskInfo>()
  private readonly ackWaiters = new Map<string, Array<() => void>>()
  private request: http.ClientRequest | undefined
  private stopped = false
  private everSubscribed = false
  private subscribedNow = false
  private loop: Promise<void> | undefined

  constructor(opts: ExecutorClientOptions) {
    this.env = opts.env
    this.handlers = opts.handlers
    this.log = opts.log ?? silent
    this.callTimeoutMs = opts.callTimeoutMs ?? 10_000
    this.initialSubscribeTimeoutMs = opts.initialSubscribeTimeoutMs ?? 60_000
  }

  /** True while a SUBSCRIBE stream is open and SUBSCRIBED was received. */
  get subscribed(): boolean {
    return this.subscribedNow
  }

  /** Updates sent but not acknowledged yet (copies). */
  get unacknowledgedUpdates(): TaskStatus[] {
    return [...this.unackedUpdates.values()]
  }

  /** Starts the subscribe loop (idempotent). The returned promise settles when the client stops or gives up. */
  start(): Promise<void> {
    this.loop ??= this.run()
    return this.loop
  }

  /** Closes the stream and stops re-subscribing. Does not call `disconnected`. */
  close(): void {
    this.stopped = true
    this.request?.destroy()
  }

  /**
   * Sends an UPDATE. The status gets a fresh `uuid`, `source: SOURCE_EXECUTOR`, `executor_id` and
   * `timestamp` (epoch seconds) and stays unacknowledged until ACKNOWLEDGED arrives; it is re-sent in
   * the next SUBSCRIBE if needed. A failed POST is logged, not thrown (the re-subscription covers it).
   * @returns the full status sent (its `uuid` is the key for {@link waitAcknowledged})
   */
  async update(input: StatusInput): Promise<TaskStatus> {
    const status: TaskStatus = {
      task_id: input.task_id,
      state: input.state,
      source: 'SOURCE_EXECUTOR',
      executor_id: { value: this.env.executorId },
      timestamp: Date.now() / 1000,
      uuid: newUuidBase64(),
      ...(input.message !== undefined ? { message: input.message } : {}),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
      ...(input.healthy !== undefined ? { healthy: input.healthy } : {}),
      ...(input.agent_id !== undefined ? { agent_id: input.agent_id } : {}),
      ...(input.data !== undefined ? { data: Buffer.from(input.data).toString('base64') } : {}),
    }
    this.unackedUpdates.set(status.uuid as string, status)
    try {
      await this.call({ type: 'UPDATE', update: { status } })
      this.log.info({ task: status.task_id.value, state: status.state, uuid: status.uuid }, 'status update sent')
    } catch (e) {
      this.log.warn(
        { task: status.task_id.value, state: status.state, err: (e as Error).message },
        'status update not accepted; kept for re-subscription',
      )
    }
    return status
  }

  /** Sends a framework MESSAGE to the scheduler (unreliable). @throws ExecutorCallError on a non-202 answer or network error */
  async message(data: Uint8Array | string): Promise<void> {
    await this.call({ type: 'MESSAGE', message: { data: Buffer.from(data).toString('base64') } })
  }

  /**
   * Resolves `true` once the update with this uuid is acknowledged (immediately if it already is),
   * `false` after `timeoutMs`.
   */
  waitAcknowledged(uuid: string, timeoutMs: number): Promise<boolean> {
    if (!this.unackedUpdates.has(uuid)) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.ackWaiters.get(uuid)
        if (list)
          this.ackWaiters.set(
            uuid,
            list.filter((f) => f !== done),
          )
        resolve(false)
      }, timeoutMs)
      const done = () => {
        clearTimeout(timer)
        resolve(true)
      }
      const list = this.ackWaiters.get(uuid) ?? []
      list.push(done)
      this.ackWaiters.set(uuid, list)
    })
  }

  // ------------------------------------------------------------------------------ internals

  private url(): string {
    return `http://${this.env.agentEndpoint}/api/v1/executor`
  }

  private headers(accept: boolean): Record<string, string> {
    const h: Record<string, string> = { 'Content-Type': JSON_TYPE }
    if (accept) h.Accept = JSON_TYPE
    if (this.env.authToken) h.Authorization = `Bearer ${this.env.authToken}`
    return h
  }

  private ids(): Pick<executor.Call, 'executor_id' | 'framework_id'> {
    return { executor_id: { value: this.env.executorId }, framework_id: { value: this.env.frameworkId } }
  }

  /** POSTs one non-SUBSCRIBE call; expects 202. @throws ExecutorCallError */
  private async call(body: Omit<executor.Call, 'executor_id' | 'framework_id'>): Promise<void> {
    const call: executor.Call = { ...this.ids(), ...body }
    let res: Response
    try {
      res = await fetch(this.url(), {
        method: 'POST',
        headers: this.headers(false),
        body: Buffer.from(encode('mesos.v1.executor.Call', call, JSON_TYPE)),
        signal: AbortSignal.timeout(this.callTimeoutMs),
      })
    } catch (e) {
      throw new ExecutorCallError(`${body.type} to ${this.env.agentEndpoint} failed: ${(e as Error).message}`)
    }
    const text = await res.text().catch(() => '')
    if (res.status !== 202)
      throw new ExecutorCallError(`${body.type} answered ${res.status}: ${text.slice(0, 200)}`, res.status)
  }

  private subscribeCall(): executor.Call {
    return {
      ...this.ids(),
      type: 'SUBSCRIBE',
      subscribe: {
        unacknowledged_tasks: [...this.unackedTasks.values()],
        unacknowledged_updates: [...this.unackedUpdates.values()].map((status) => ({ status })),
      },
    }
  }

  private async run(): Promise<void> {
    let attempt = 0
    let downSince = Date.now()
    while (!this.stopped) {
      let why: string
      try {
        why = await this.subscribeOnce(() => {
          attempt = 0
        })
      } catch (e) {
        why = (e as Error).message
      }
      this.subscribedNow = false
      if (this.stopped) return
      if (attempt === 0) downSince = Date.now()
      const limit = this.everSubscribed
        ? this.env.checkpoint
          ? this.env.recoveryTimeoutMs
          : 0
        : Math.max(this.env.checkpoint ? this.env.recoveryTimeoutMs : 0, this.initialSubscribeTimeoutMs)
      const elapsed = Date.now() - downSince
      if (elapsed >= limit) {
        const reason =
          this.everSubscribed && !this.env.checkpoint
            ? `disconnected from agent ${this.env.agentEndpoint} (${why}); not checkpointing, so not re-subscribing`
            : `could not (re-)subscribe to agent ${this.env.agentEndpoint} within ${limit} ms: ${why}`
        this.log.error({ agent: this.env.agentEndpoint }, reason)
        this.stopped = true
        this.safe('disconnected', () => this.handlers.disconnected?.(reason))
        return
      }
      // Exponential backoff with full jitter, capped by MESOS_SUBSCRIPTION_BACKOFF_MAX.
      const cap = Math.min(this.env.subscriptionBackoffMaxMs, 100 * 2 ** Math.min(attempt, 16))
      const wait = Math.max(50, Math.random() * cap)
      attempt++
      this.log.warn(
        { agent: this.env.agentEndpoint, attempt, waitMs: Math.round(wait), why },
        'not subscribed; retrying',
      )
      await new Promise((r) => setTimeout(r, Math.min(wait, limit - elapsed)))
    }
  }

  /** One SUBSCRIBE: resolves with the reason the stream ended; rejects when it could not be opened. */
  private subscribeOnce(onOpen: () => void): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const body = Buffer.from(encode('mesos.v1.executor.Call', this.subscribeCall(), JSON_TYPE))
      const req = http.request(this.url(), {
        method: 'POST',
        headers: { ...this.headers(true), 'Content-Length': String(body.length) },
      })
      this.request = req
      req.on('error', (e) => reject(new Error(`SUBSCRIBE failed: ${e.message}`)))
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            reject(
              new Error(
                `SUBSCRIBE answered ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8').slice(0, 200)}`,
              ),
            ),
          )
          res.on('error', (e) => reject(e))
          return
        }
        onOpen()
        res.socket?.setKeepAlive(true, 5_000)
        const stream = Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>
        void (async () => {
          try {
            for await (const record of readRecords(stream))
              this.dispatch(decode<executor.Event>('mesos.v1.executor.Event', record, JSON_TYPE))
            resolve('the agent closed the event stream')
          } catch (e) {
            resolve(this.stopped ? 'closed' : `event stream broke: ${(e as Error).message}`)
          } finally {
            req.destroy()
          }
        })()
      })
      req.end(body)
    })
  }

  private dispatch(ev: executor.Event): void {
    switch (ev.type) {
      case 'SUBSCRIBED':
        this.everSubscribed = true
        this.subscribedNow = true
        this.log.info(
          { agent: ev.subscribed?.agent_info?.hostname, unacked: this.unackedUpdates.size },
          'subscribed to agent',
        )
        if (ev.subscribed)
          this.safe('subscribed', () =>
            this.handlers.subscribed?.(ev.subscribed as NonNullable<executor.Event['subscribed']>),
          )
        return
      case 'LAUNCH': {
        const task = ev.launch?.task
        if (!task) return
        this.unackedTasks.set(task.task_id.value, task)
        this.safe('launch', () => this.handlers.launch?.(task))
        return
      }
      case 'LAUNCH_GROUP': {
        const tasks = ev.launch_group?.task_group?.tasks ?? []
        for (const task of tasks) this.unackedTasks.set(task.task_id.value, task)
        if (tasks.length > 0) this.safe('launchGroup', () => this.handlers.launchGroup?.(tasks))
        return
      }
      case 'KILL':
        if (ev.kill) this.safe('kill', () => this.handlers.kill?.(ev.kill!.task_id, ev.kill!.kill_policy))
        return
      case 'ACKNOWLEDGED': {
        const ack = ev.acknowledged
        if (!ack) return
        this.unackedUpdates.delete(ack.uuid)
        this.unackedTasks.delete(ack.task_id.value)
        for (const f of this.ackWaiters.get(ack.uuid) ?? []) f()
        this.ackWaiters.delete(ack.uuid)
        this.log.debug({ task: ack.task_id.value, uuid: ack.uuid }, 'update acknowledged')
        this.safe('acknowledged', () => this.handlers.acknowledged?.(ack.task_id, ack.uuid))
        return
      }
      case 'MESSAGE':
        if (ev.message) this.safe('message', () => this.handlers.message?.(Buffer.from(ev.message!.data, 'base64')))
        return
      case 'SHUTDOWN':
        this.safe('shutdown', () => this.handlers.shutdown?.())
        return
      case 'ERROR': {
        const msg = ev.error?.message ?? 'unknown error'
        this.log.error({ error: msg }, 'agent sent ERROR')
        this.safe('error', () => this.handlers.error?.(msg))
        this.request?.destroy()
        return
      }
      case 'HEARTBEAT':
        return
      default:
        this.log.warn({ type: ev.type }, 'ignoring unknown executor event')
    }
  }

  private safe(what: string, f: () => void): void {
    try {
      f()
    } catch (e) {
      this.log.error({ handler: what, err: (e as Error).stack ?? String(e) }, 'event handler threw')
    }
  }
}
