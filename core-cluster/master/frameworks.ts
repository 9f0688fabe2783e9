/** The framework registry: SUBSCRIBE and failover, UPDATE_FRAMEWORK, REVIVE/SUPPRESS, disconnection with its failover timeout, and teardown. */

/**
 * As Mesos's master keeps frameworks (`src/master/master.cpp` `subscribe`, `updateFramework`,
 * `removeFramework`; `docs/scheduler-http-api.md` SUBSCRIBE, `docs/high-availability-framework-guide.md`
 * for the failover timeout). A framework is one scheduler event stream at a time: a new SUBSCRIBE with
 * its id fails the old stream over. What a framework owns elsewhere (offers, tasks, executors, inverse
 * offers) is given back through the dependencies.
 */

import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { EventStream } from '../http/index.js'
import {
  type ContentType,
  encode,
  type FrameworkInfo,
  type MasterInfo,
  type scheduler,
  type TaskStatus,
} from '../proto/index.js'
import { CallError } from './errors.js'
import type { Offers } from './offers.js'
import { validateFrameworkRoles, validateFrameworkUpdate } from './validation.js'

/** A framework's current subscription: the event stream and its heartbeat. */
export interface FrameworkStream {
  sink: EventStream
  streamId: string
  contentType: ContentType
  heartbeat: NodeJS.Timeout
}

/** One framework, as the master keeps it. */
export interface FrameworkEntry {
  id: string
  info: FrameworkInfo
  /** absent while disconnected (until it re-subscribes or its failover timeout removes it) */
  stream?: FrameworkStream
  suppressed: boolean
  failoverTimer?: NodeJS.Timeout
  /** epoch ms */
  registeredAt: number
}

/** The framework's role: its first `roles` entry, else the deprecated `role`, else `*`. */
export function roleOf(fw: { info: FrameworkInfo }): string {
  return fw.info.roles?.[0] ?? fw.info.role ?? '*'
}

/** True when the framework declared the capability (`FrameworkInfo.Capability.Type`). */
export function hasCapability(
  fw: { info: FrameworkInfo },
  type: 'PARTITION_AWARE' | 'RESERVATION_REFINEMENT',
): boolean {
  return (fw.info.capabilities ?? []).some((c) => c.type === type)
}

/** PARTITION_AWARE frameworks keep their tasks on unreachable agents and hear TASK_UNREACHABLE, TASK_GONE, ... */
export function partitionAware(fw: { info: FrameworkInfo }): boolean {
  return hasCapability(fw, 'PARTITION_AWARE')
}

/** What the framework registry needs of the rest of the master. */
export interface FrameworksDeps {
  /** HEARTBEAT period of the event streams (s); Mesos fixes it at 15 */
  heartbeatSeconds: number
  /** the MasterInfo sent in SUBSCRIBED */
  masterInfo(): MasterInfo
  /** a new framework id (Mesos `<masterId>-<4-digit counter>`) */
  mintId(): string
  offers: Pick<Offers, 'recover' | 'clearFilters'>
  /** a framework was torn down: its executors on the agents, its tasks and its inverse offers go too */
  onRemoved(frameworkId: string): void
  scheduleAllocation(): void
  log: Logger
}

/** Every framework the master knows, subscribed or waiting to fail over. */
export class Frameworks {
  private readonly byId = new Map<string, FrameworkEntry>()

  constructor(private readonly deps: FrameworksDeps) {}

  get(id: string): FrameworkEntry | undefined {
    return this.byId.get(id)
  }

  values(): IterableIterator<FrameworkEntry> {
    return this.byId.values()
  }

  keys(): IterableIterator<string> {
    return this.byId.keys()
  }

  /** Sends one event on the framework's stream. @returns false when it has none (disconnected) or it is closed */
  send(fw: FrameworkEntry, event: scheduler.Event): boolean {
    if (!fw.stream) return false
    return fw.stream.sink.send(encode('mesos.v1.scheduler.Event', event, fw.stream.contentType))
  }

  /** Sends a status update the master itself makes (no uuid: never acknowledged), stamped now. */
  sendStatus(fw: FrameworkEntry, status: TaskStatus): void {
    this.send(fw, { type: 'UPDATE', update: { status: { timestamp: Date.now() / 1000, ...status } } })
  }

  /**
   * SUBSCRIBE: registers a new framework or fails over an existing one (the old stream gets
   * ERROR "Framework failed over"; its offers go back without RESCIND). A known id from before a
   * master restart is accepted and the framework rebuilt. Sends SUBSCRIBED then one HEARTBEAT, as
   * Mesos (`docs/scheduler-http-api.md`).
   * @returns the stream id
   * @throws CallError 400 when `framework_id` and `framework_info.id` disagree, or the roles are invalid
   */
  subscribe(
    call: scheduler.Call,
    sink: EventStream,
    contentType: ContentType,
    streamId: string = randomUUID(),
  ): string {
    const info = structuredClone(call.subscribe!.framework_info)
    if (call.framework_id && call.framework_id.value !== info.id?.value) {
      throw new CallError(400, "'framework_id' differs from 'subscribe.framework_info.id'")
    }
    const problem = validateFrameworkRoles(info)
    if (problem) throw new CallError(400, problem)
    const requestedId = info.id?.value ?? call.framework_id?.value
    let fw = requestedId ? this.byId.get(requestedId) : undefined
    if (fw) {
      if (fw.stream) {
        this.send(fw, { type: 'ERROR', error: { message: 'Framework failed over' } })
        this.detachStream(fw)
      }
      if (fw.failoverTimer) clearTimeout(fw.failoverTimer)
      fw.failoverTimer = undefined
      this.deps.offers.recover(fw.id, false)
      fw.info = { ...info, id: { value: fw.id }, user: fw.info.user, checkpoint: fw.info.checkpoint }
      this.deps.log.info({ framework: fw.id, name: info.name }, 'framework re-subscribed (failover)')
    } else {
      const id = requestedId ?? this.deps.mintId()
      fw = { id, info: { ...info, id: { value: id } }, suppressed: false, registeredAt: Date.now() }
      this.byId.set(id, fw)
      this.deps.log.info(
        { framework: id, name: info.name, role: roleOf(fw) },
        requestedId ? 'framework re-subscribed with a known id' : 'framework registered',
      )
    }
    const suppressed = call.subscribe?.suppressed_roles ?? []
    fw.suppressed = suppressed.length > 0 && suppressed.includes(roleOf(fw))
    const target = fw
    const heartbeat = setInterval(() => this.send(target, { type: 'HEARTBEAT' }), this.deps.heartbeatSeconds * 1000)
    heartbeat.unref()
    fw.stream = { sink, streamId, contentType, heartbeat }
    sink.onClose(() => {
      if (target.stream?.sink === sink) this.disconnected(target)
    })
    this.send(fw, {
      type: 'SUBSCRIBED',
      subscribed: {
        framework_id: { value: fw.id },
        heartbeat_interval_seconds: this.deps.heartbeatSeconds,
        master_info: this.deps.masterInfo(),
      },
    })
    this.send(fw, { type: 'HEARTBEAT' })
    this.deps.scheduleAllocation()
    return streamId
  }

  /**
   * Checks a non-SUBSCRIBE call's framework and stream id, in Mesos's order (`src/master/http.cpp`
   * `Master::Http::scheduler`).
   * @returns the calling framework
   * @throws CallError 400 unknown framework or wrong stream id, 403 not subscribed
   */
  authorize(call: scheduler.Call, streamId: string | undefined): FrameworkEntry {
    const id = call.framework_id?.value
    if (!id) throw new CallError(400, "Failed to validate scheduler::Call: Expecting 'framework_id' to be present")
    const fw = this.byId.get(id)
    if (!fw) throw new CallError(400, 'Framework cannot be found')
    if (!fw.stream) throw new CallError(403, 'Framework is not subscribed')
    if (!streamId) throw new CallError(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header")
    if (streamId !== fw.stream.streamId)
      throw new CallError(
        400,
        `The stream ID '${streamId}' included in this request didn't match the stream ID currently associated with framework ID ${id}`,
      )
    return fw
  }

  /**
   * UPDATE_FRAMEWORK (synchronous, 200): new FrameworkInfo and suppressed roles for a subscribed
   * framework (./validation.ts `validateFrameworkUpdate`). A role change rescinds outstanding offers;
   * roles no longer suppressed get their refuse filters cleared.
   * @throws CallError 400 for an invalid update
   */
  update(fw: FrameworkEntry, update: NonNullable<scheduler.Call['update_framework']>): void {
    const problem = validateFrameworkUpdate(fw.id, fw.info, update)
    if (problem) throw new CallError(400, problem)
    const info = update.framework_info
    const before = roleOf(fw)
    const role = info.roles?.[0] ?? info.role ?? '*'
    fw.info = { ...structuredClone(info), id: { value: fw.id } }
    const wasSuppressed = fw.suppressed
    fw.suppressed = (update.suppressed_roles ?? []).includes(role)
    if (role !== before) this.deps.offers.recover(fw.id, true)
    if (wasSuppressed && !fw.suppressed) this.deps.offers.clearFilters(fw.id)
    this.deps.log.info({ framework: fw.id, role, suppressed: fw.suppressed }, 'framework updated')
    this.deps.scheduleAllocation()
  }

  /** REVIVE: offers resume and the framework's refuse filters are dropped. */
  revive(fw: FrameworkEntry): void {
    fw.suppressed = false
    this.deps.offers.clearFilters(fw.id)
    this.deps.log.debug({ framework: fw.id }, 'REVIVE: filters cleared, offers resumed')
    this.deps.scheduleAllocation()
  }

  /** SUPPRESS: no more offers until REVIVE; the outstanding ones are rescinded. */
  suppress(fw: FrameworkEntry): void {
    fw.suppressed = true
    this.deps.log.debug({ framework: fw.id }, 'SUPPRESS: no more offers until REVIVE')
    this.deps.offers.recover(fw.id, true)
  }

  /** TEARDOWN, or the failover timeout expired: the framework and everything it has go. */
  remove(fw: FrameworkEntry, why: string): void {
    this.deps.log.warn({ framework: fw.id, why }, 'removing framework: its tasks are killed')
    this.deps.offers.recover(fw.id, false)
    if (fw.failoverTimer) clearTimeout(fw.failoverTimer)
    this.deps.onRemoved(fw.id)
    this.detachStream(fw)
    this.byId.delete(fw.id)
    this.deps.scheduleAllocation()
  }

  /** Closes every stream and stops every timer (the master stops). */
  stop(): void {
    for (const f of this.byId.values()) {
      if (f.failoverTimer) clearTimeout(f.failoverTimer)
      if (f.stream) {
        clearInterval(f.stream.heartbeat)
        f.stream.sink.close()
      }
    }
  }

  private detachStream(fw: FrameworkEntry): void {
    if (!fw.stream) return
    clearInterval(fw.stream.heartbeat)
    const sink = fw.stream.sink
    fw.stream = undefined
    sink.close()
  }

  /** Subscription lost: offers go back, the failover_timeout timer starts (`FrameworkInfo.failover_timeout`, default 0). */
  private disconnected(fw: FrameworkEntry): void {
    this.detachStream(fw)
    this.deps.offers.recover(fw.id, false)
    const seconds = fw.info.failover_timeout ?? 0
    this.deps.log.warn(
      { framework: fw.id, failoverTimeoutSeconds: seconds },
      'framework disconnected; waiting for it to re-subscribe',
    )
    fw.failoverTimer = setTimeout(
      () => this.remove(fw, `failover timeout of ${seconds}s expired`),
      Math.min(seconds * 1000, 2 ** 31 - 1),
    )
    fw.failoverTimer.unref()
  }
}
