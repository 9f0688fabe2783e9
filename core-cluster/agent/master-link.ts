/** The agent's link to the master: REGISTER and re-registration with back-off, the ping watchdog, and calls to the master. */
import type { Logger } from 'pino'
import { readRecords } from '../http/index.js'
import { AGENT_STREAM_HEADER, type agent as agentMsg, decode, encode, PROTOBUF_TYPE } from '../proto/index.js'

/** How long a call to the master may take before it counts as failed (ms). */
const CALL_TIMEOUT_MS = 15_000

/** What the link needs from its agent. */
export interface MasterLinkOptions {
  /** `--master`: `host:port`, or several comma-separated (HA masters; a non-leading one redirects to the leader) */
  master: string
  log: Logger
  /** `Authorization` header value of every call (HTTP Basic of the agent's `--credential`); none: no credentials are sent */
  authorization?: string
  /** the agent id the master gave, once registered (sent with every call; no call is sent without it) */
  agentId(): string | undefined
  /** the body of the REGISTER call, built anew for every attempt (the tasks running now) */
  register(): NonNullable<agentMsg.Call['register']>
  /**
   * Every event of the master's stream, in order, one at a time (the next is read once this one's
   * promise settles). PING is answered by the link itself and not passed on.
   */
  onEvent(event: agentMsg.Event): Promise<void>
}

/**
 * The agent's side of its link to the master, over our own agent protocol (`kafka_mesos.agent.Call`
 * and `Event`, protobuf, to `POST /internal/agent`): REGISTER opens a RecordIO stream of events; when
 * it ends the agent registers again, with back-off (0.5 s doubling to 10 s; 0.25 s to 2 s with HA
 * masters, moving on to the next master each time). As a Mesos agent (`src/slave/slave.cpp`,
 * `Slave::ping` and `Slave::pingTimeout`), it answers every PING with PONG and gives the master up
 * when no PING comes within the total ping timeout REGISTERED announced (the master's
 * `--agent_ping_timeout` × `--max_agent_ping_timeouts`, `docs/configuration/master.md`), e.g. in a
 * network partition: the link is dropped and the agent registers again.
 */
export class MasterLink {
  private abort?: AbortController
  private stopped = false
  /** fires when the master has not pinged for its total ping timeout: the link is dropped */
  private pingWatchdog?: NodeJS.Timeout
  private pingTimeoutMs?: number
  private currentMasterValue?: string
  /** the stream id of the current link (AGENT_STREAM_HEADER), sent with every call */
  private streamId?: string

  constructor(private readonly o: MasterLinkOptions) {}

  /** Starts registering, and registering again whenever the link ends, until {@link stop}. */
  start(): void {
    void this.loop()
  }

  /** No new REGISTER after the current link ends (the current link stays up until {@link disconnect}). */
  stop(): void {
    this.stopped = true
  }

  /** Drops the current link. */
  disconnect(): void {
    this.abort?.abort()
  }

  /** The master the link uses now (`host:port`). */
  get current(): string {
    return this.currentMasterValue ?? this.masters[0]
  }

  /**
   * Sends one call (other than REGISTER) with the agent id and the link's stream id; a master cut off by a partition never
   * answers, so the call gives up after 15 s.
   * @returns true when the master accepted it (202); false when not registered, refused or unreachable
   */
  async post(call: agentMsg.Call): Promise<boolean> {
    const agentId = this.o.agentId()
    if (!agentId || !this.streamId) return false
    try {
      const res = await this.fetchMaster({
        method: 'POST',
        headers: { 'Content-Type': PROTOBUF_TYPE, [AGENT_STREAM_HEADER]: this.streamId, ...this.credentials() },
        body: Buffer.from(encode('kafka_mesos.agent.Call', { ...call, agent_id: { value: agentId } }, PROTOBUF_TYPE)),
        // the caller retries (status updates) or the next PING does
        signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
      })
      await res.arrayBuffer()
      return res.status === 202
    } catch {
      return false
    }
  }

  private async loop(): Promise<void> {
    // With several masters (HA) the next one is tried soon: it redirects to the new leader.
    const first = this.masters.length > 1 ? 250 : 500
    const cap = this.masters.length > 1 ? 2000 : 10_000
    let backoff = first
    while (!this.stopped) {
      try {
        await this.linkOnce()
        backoff = first
      } catch (e) {
        if (this.stopped) break
        this.o.log.warn(
          { err: (e as Error).message, master: this.current, retryInMs: backoff },
          'link to the master failed',
        )
        this.nextMaster()
      }
      if (this.stopped) break
      await new Promise((r) => setTimeout(r, backoff))
      backoff = Math.min(backoff * 2, cap)
    }
  }

  /** One REGISTER and its event stream. @throws always, once the stream ends, saying why */
  private async linkOnce(): Promise<void> {
    this.abort = new AbortController()
    const agentId = this.o.agentId()
    const call: agentMsg.Call = {
      type: 'REGISTER',
      agent_id: agentId ? { value: agentId } : undefined,
      register: this.o.register(),
    }
    const res = await this.fetchMaster({
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE, Accept: PROTOBUF_TYPE, ...this.credentials() },
      body: Buffer.from(encode('kafka_mesos.agent.Call', call, PROTOBUF_TYPE)),
      signal: this.abort.signal,
    })
    if (res.status !== 200 || !res.body) throw new Error(`REGISTER answered ${res.status}: ${await res.text()}`)
    this.streamId = res.headers.get(AGENT_STREAM_HEADER) ?? undefined
    try {
      for await (const record of readRecords(res.body)) {
        const event = decode<agentMsg.Event>('kafka_mesos.agent.Event', record, PROTOBUF_TYPE)
        if (event.type === 'REGISTERED') {
          this.pingTimeoutMs = event.registered!.total_ping_timeout_seconds
            ? event.registered!.total_ping_timeout_seconds * 1000
            : undefined
          this.armPingWatchdog()
        } else if (event.type === 'PING') {
          this.armPingWatchdog()
          void this.post({ type: 'PONG' })
          continue
        }
        await this.o.onEvent(event)
      }
    } finally {
      if (this.pingWatchdog) clearTimeout(this.pingWatchdog)
      this.pingWatchdog = undefined
    }
    throw new Error(
      this.abort.signal.aborted && !this.stopped
        ? 'no PING from the master within its ping timeout'
        : 'master closed the link',
    )
  }

  /**
   * (Re)starts the timer after which a silent master (no PING for its total ping timeout, e.g. a
   * network partition) is given up: the link is aborted and the agent registers again.
   */
  private armPingWatchdog(): void {
    if (this.pingWatchdog) clearTimeout(this.pingWatchdog)
    if (!this.pingTimeoutMs) return
    const abort = this.abort
    this.pingWatchdog = setTimeout(() => {
      this.o.log.warn(
        { master: this.current, timeoutMs: this.pingTimeoutMs },
        'no PING from the master in time; dropping the link and registering again',
      )
      abort?.abort()
    }, this.pingTimeoutMs)
    this.pingWatchdog.unref()
  }

  /** The agent's credentials as a header, when it has some. */
  private credentials(): Record<string, string> {
    return this.o.authorization ? { Authorization: this.o.authorization } : {}
  }

  /** Every known master (`--master h1:p1,h2:p2`). */
  private get masters(): string[] {
    return this.o.master
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean)
  }

  private nextMaster(): void {
    const list = this.masters
    this.currentMasterValue = list[(list.indexOf(this.current) + 1) % list.length]
  }

  /**
   * POSTs to the current master's `/internal/agent`, following a non-leading HA master's 307 to the
   * leader (which then becomes the current master).
   */
  private async fetchMaster(init: RequestInit): Promise<Response> {
    for (let hop = 0; hop < 3; hop++) {
      const res = await fetch(`http://${this.current}/internal/agent`, { ...init, redirect: 'manual' })
      if (res.status !== 307) return res
      const location = res.headers.get('location')
      await res.arrayBuffer().catch(() => undefined)
      if (!location) return res
      this.currentMasterValue = new URL(location.startsWith('//') ? `http:${location}` : location).host
    }
    throw new Error('too many redirects between masters')
  }
}
