/** The v1 scheduler API client: one SUBSCRIBE stream kept open across drops and leader changes, and the calls sent on it. */
import type { Logger } from 'pino'
import { KmError } from '../../errors/index.js'
import { readRecords } from '../http/index.js'
import { decode, encode, type FrameworkInfo, type InverseOffer, JSON_TYPE, type scheduler } from '../proto/index.js'

/** Callbacks a framework gives the client; each gets Mesos JSON-form payloads. */
export interface SchedulerHandlers {
  subscribed(frameworkId: string, event: NonNullable<scheduler.Event['subscribed']>): void | Promise<void>
  offers(offers: NonNullable<scheduler.Event['offers']>['offers']): void | Promise<void>
  update(status: NonNullable<scheduler.Event['update']>['status']): void | Promise<void>
  rescind?(offerId: string): void
  /** INVERSE_OFFERS: the master asks for agents' resources back (maintenance); answer with ACCEPT/DECLINE_INVERSE_OFFERS */
  inverseOffers?(offers: InverseOffer[]): void | Promise<void>
  message?(agentId: string, executorId: string, data: Buffer): void
  failure?(event: NonNullable<scheduler.Event['failure']>): void
  /** UPDATE_OPERATION_STATUS: feedback for an offer operation that set an `id` */
  operationStatus?(status: NonNullable<scheduler.Event['update_operation_status']>['status']): void
  error?(message: string): void
  disconnected?(reason: string): void
}

/**
 * Raised when the master refuses a call (a non-2xx answer) or it cannot be sent. Code
 * `KM_ERR_SCHEDULER_CALL`; `masterStatus` is the master's HTTP answer: 0 when the call was not sent
 * (not subscribed), 307 after too many redirects between masters.
 */
export class SchedulerCallError extends KmError {
  constructor(
    readonly masterStatus: number,
    message: string,
  ) {
    super('KM_ERR_SCHEDULER_CALL', message)
  }
}

/**
 * Mesos v1 scheduler API client (JSON): keeps one SUBSCRIBE stream open, re-subscribes with the
 * framework id after a drop (back-off 1 s doubling to 15 s, as Mesos `docs/scheduler-http-api.md`
 * advises under "Network partitions"), follows 307
 * redirects to a leading master, and sends other calls with the current `Mesos-Stream-Id`.
 */
export class SchedulerClient {
  private streamId?: string
  private frameworkId?: string
  private abort?: AbortController
  private stopped = false
  private lastEvent = 0
  private heartbeatSeconds = 15
  private watchdog?: NodeJS.Timeout
  private master: string
  /** every known master (`--master h1:p1,h2:p2`): tried in turn when the current one fails */
  private readonly masters: string[]

  /**
   * @param master `host:port` of a master
   * @param framework FrameworkInfo to subscribe with; `id` set means re-register as that framework
   */
  constructor(
    master: string,
    private framework: FrameworkInfo,
    private readonly handlers: SchedulerHandlers,
    private readonly log: Logger,
  ) {
    this.masters = master
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean)
    this.master = this.masters[0]
    this.frameworkId = framework.id?.value
  }

  get id(): string | undefined {
    return this.frameworkId
  }

  get connected(): boolean {
    return !!this.streamId
  }

  /** Starts the subscribe loop; resolves at once. */
  start(): void {
    void this.loop()
    this.watchdog = setInterval(() => {
      // Five missed heartbeats: the connection is dead even if TCP has not noticed (docs/scheduler-http-api.md, "Network partitions").
      if (this.streamId && Date.now() - this.lastEvent > this.heartbeatSeconds * 5 * 1000) {
        this.log.warn('no heartbeat from the master; reconnecting')
        this.abort?.abort()
      }
    }, 1000)
    this.watchdog.unref()
  }

  /** Stops the loop and closes the stream; the framework stays registered (failover). */
  stop(): void {
    this.stopped = true
    if (this.watchdog) clearInterval(this.watchdog)
    this.abort?.abort()
  }

  private async loop(): Promise<void> {
    // With several masters (HA) the next one is tried soon: it redirects to the new leader.
    const first = this.masters.length > 1 ? 250 : 1000
    const cap = this.masters.length > 1 ? 2000 : 15_000
    let backoff = first
    while (!this.stopped) {
      try {
        await this.subscribeOnce()
        backoff = first
      } catch (e) {
        if (this.stopped) break
        this.log.warn(
          { err: (e as Error).message, master: this.master, retryInMs: backoff },
          'subscription to the master failed',
        )
        // Try the next known master (HA: it redirects to the leader).
        this.master = this.masters[(this.masters.indexOf(this.master) + 1) % this.masters.length] ?? this.master
      }
      this.streamId = undefined
      if (this.stopped) break
      this.handlers.disconnected?.('stream closed')
      await new Promise((r) => setTimeout(r, backoff))
      backoff = Math.min(backoff * 2, cap)
    }
  }

  private async subscribeOnce(): Promise<void> {
    this.abort = new AbortController()
    const framework = { ...this.framework, id: this.frameworkId ? { value: this.frameworkId } : undefined }
    const call: scheduler.Call = {
      type: 'SUBSCRIBE',
      subscribe: { framework_info: framework },
      framework_id: framework.id,
    }
    const res = await this.post(call, this.abort.signal)
    if (res.status !== 200 || !res.body)
      throw new SchedulerCallError(res.status, `SUBSCRIBE answered ${res.status}: ${await res.text()}`)
    const streamId = res.headers.get('mesos-stream-id') ?? undefined
    this.lastEvent = Date.now()
    for await (const record of readRecords(res.body)) {
      this.lastEvent = Date.now()
      const event = decode<scheduler.Event>('mesos.v1.scheduler.Event', record, JSON_TYPE)
      await this.dispatch(event, streamId)
    }
  }

  private async dispatch(event: scheduler.Event, streamId: string | undefined): Promise<void> {
    switch (event.type) {
      case 'SUBSCRIBED': {
        const s = event.subscribed!
        this.streamId = streamId
        this.frameworkId = s.framework_id.value
        this.heartbeatSeconds = s.heartbeat_interval_seconds ?? 15
        this.log.info({ framework: this.frameworkId }, 'subscribed to the master')
        return this.handlers.subscribed(this.frameworkId, s)
      }
      case 'OFFERS':
        return this.handlers.offers(event.offers?.offers ?? [])
      case 'UPDATE':
        return this.handlers.update(event.update!.status)
      case 'RESCIND':
        return this.handlers.rescind?.(event.rescind!.offer_id.value)
      case 'INVERSE_OFFERS':
        return this.handlers.inverseOffers?.(event.inverse_offers?.inverse_offers ?? [])
      case 'MESSAGE': {
        const m = event.message!
        return this.handlers.message?.(m.agent_id.value, m.executor_id.value, Buffer.from(m.data, 'base64'))
      }
      case 'FAILURE':
        return this.handlers.failure?.(event.failure!)
      case 'UPDATE_OPERATION_STATUS':
        if (event.update_operation_status) this.handlers.operationStatus?.(event.update_operation_status.status)
        return
      case 'ERROR':
        this.log.error({ message: event.error?.message }, 'master sent ERROR')
        this.handlers.error?.(event.error?.message ?? '')
        this.abort?.abort()
        return
      default:
        return
    }
  }

  private async post(call: scheduler.Call, signal?: AbortSignal): Promise<Response> {
    let url = `http://${this.master}/api/v1/scheduler`
    for (let hop = 0; hop < 3; hop++) {
      const headers: Record<string, string> = { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE }
      if (call.type !== 'SUBSCRIBE' && this.streamId) headers['Mesos-Stream-Id'] = this.streamId
      const res = await fetch(url, {
        method: 'POST',
        headers,
        body: Buffer.from(encode('mesos.v1.scheduler.Call', call, JSON_TYPE)),
        signal,
        redirect: 'manual',
      })
      if (res.status !== 307) return res
      const location = res.headers.get('location')
      if (!location) return res
      url = location.startsWith('//') ? `http:${location}` : location
      this.master = new URL(url).host
    }
    throw new SchedulerCallError(307, 'too many redirects between masters')
  }

  /**
   * Sends a non-SUBSCRIBE call (framework id and stream id filled in).
   * @throws SchedulerCallError when not subscribed or the master answers non-2xx
   */
  async call(call: Omit<scheduler.Call, 'framework_id'>): Promise<void> {
    if (!this.streamId || !this.frameworkId) throw new SchedulerCallError(0, `not subscribed; ${call.type} not sent`)
    const res = await this.post({ ...call, framework_id: { value: this.frameworkId } })
    if (res.status >= 300)
      throw new SchedulerCallError(res.status, `${call.type} answered ${res.status}: ${await res.text()}`)
  }

  /** Like `call`, but logs instead of throwing: for fire-and-forget calls (DECLINE, ACKNOWLEDGE, ...). */
  async tryCall(call: Omit<scheduler.Call, 'framework_id'>): Promise<boolean> {
    try {
      await this.call(call)
      return true
    } catch (e) {
      this.log.warn({ err: (e as Error).message, call: call.type }, 'call to the master failed')
      return false
    }
  }
}
