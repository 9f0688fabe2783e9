/** The v1 operator API's event stream: its subscribers, heartbeats and agent events. */

import type { EventStream } from '../http/index.js'

/** A v1 operator API event (Mesos `mesos.v1.master.Event`), JSON form. */
export type OperatorEvent =
  | { type: 'SUBSCRIBED'; subscribed: { get_state: object; heartbeat_interval_seconds: number } }
  | { type: 'HEARTBEAT' }
  | { type: 'AGENT_ADDED'; agent_added: { agent: object } }
  | { type: 'AGENT_REMOVED'; agent_removed: { agent_id: { value: string } } }

/**
 * Subscribers of the v1 operator API's event stream (`SUBSCRIBE` on `POST /api/v1`, Mesos
 * master::Event; JSON, one RecordIO record per event): `SUBSCRIBED` with the GET_STATE snapshot,
 * then `HEARTBEAT` every `heartbeatSeconds` (Mesos 15 s), and the agent events `AGENT_ADDED` (a new
 * agent registered) and `AGENT_REMOVED` (an agent left the cluster, e.g. marked unreachable).
 * Task and framework events are not sent (yet).
 */
export class OperatorEvents {
  private readonly subscribers = new Set<EventStream>()
  private heartbeat?: NodeJS.Timeout

  constructor(private readonly heartbeatSeconds = 15) {}

  /** Number of open subscriptions (callers skip building events nobody receives). */
  get size(): number {
    return this.subscribers.size
  }

  /** Adds a subscription: SUBSCRIBED with `state` (a GET_STATE answer) and a first HEARTBEAT. */
  subscribe(sink: EventStream, state: object): void {
    this.subscribers.add(sink)
    sink.onClose(() => this.subscribers.delete(sink))
    write(sink, {
      type: 'SUBSCRIBED',
      subscribed: { get_state: state, heartbeat_interval_seconds: this.heartbeatSeconds },
    })
    write(sink, { type: 'HEARTBEAT' })
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => this.send({ type: 'HEARTBEAT' }), this.heartbeatSeconds * 1000)
      this.heartbeat.unref()
    }
  }

  /** Sends an event to every subscriber. */
  send(event: OperatorEvent): void {
    for (const sink of this.subscribers) write(sink, event)
  }

  /** Closes every subscription. */
  stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat)
    this.heartbeat = undefined
    for (const sink of [...this.subscribers]) sink.close()
    this.subscribers.clear()
  }
}

function write(sink: EventStream, event: OperatorEvent): void {
  sink.send(Buffer.from(JSON.stringify(event)))
}
