/** The driver of a KRaft voter change (KIP-853 AddRaftVoter / RemoveRaftVoter), one step per tick. */

import type { Logger } from 'pino'
import { CONTROLLER_BASE_ID, type KafkaNode } from '../../contract/index.js'
import {
  addRaftVoter,
  type QuorumDescription,
  removeRaftVoter,
  splitEndpoint,
  VoterChangeError,
} from '../kafka/index.js'
import type { SchedulerState } from '../storage/index.js'
import {
  ADD_VOTER_TIMEOUT_MS,
  changeInProgress,
  QUORUM_CHANGE_DEADLINE_MS,
  type QuorumChange,
  type QuorumChangeOp,
  QuorumChangeRefused,
  refusal,
  STOP_WAIT_MS,
} from './change.js'
import { type ControllerResources, newController } from './controllers.js'
import { controllerEndpoint, voters } from './voters.js'

/**
 * Changing the voter set of a running KRaft quorum with Kafka's dynamic quorum (KIP-853), one change
 * at a time (Kafka itself allows one uncommitted voter change):
 *
 * - **add**: a new controller node (next unused id) is placed on a host (and rack, where agents have
 *   one) that has no controller, formatted `--no-initial-controllers`, started as an observer; once
 *   it has caught up with the leader (log end offset ≥ high watermark, from DescribeQuorum v2, which
 *   also gives its directory id) the scheduler sends AddRaftVoter to the leader's controller listener.
 * - **remove**: RemoveRaftVoter to the leader (directory id from DescribeQuorum), then the controller
 *   is stopped and forgotten. Refused when the remaining voters would not have a running majority.
 * - **replace**: add a new controller elsewhere, then remove the old voter (for a voter whose host is
 *   gone: its task is not running, so nothing has to be stopped).
 *
 * The change lives in the scheduler state (`quorumChange`) and advances one step per {@link
 * QuorumChanger.tick}, so a scheduler restart resumes it. Source: KIP-853; `kafka-metadata-quorum.sh
 * add-controller|remove-controller` do the same (Kafka docs, `docs/operations/kraft.md`, "Add New
 * Controller", "Remove Controller").
 */

/** What the changer needs from the scheduler. */
export interface QuorumChangeContext {
  state: SchedulerState
  /** DescribeQuorum against the controllers (then brokers). @throws Error when no node answers */
  describe(): Promise<QuorumDescription>
  save(): Promise<void>
  /** deactivates a node and kills its task (controlled shutdown) */
  stop(node: KafkaNode): Promise<void>
  /** a node became active and needs offers */
  revive(): Promise<void>
  /** why the node's last offer was declined, if it waits */
  waiting(id: number): string | undefined
  /** resources of a new controller: cpus, mem MB, heap MB */
  controllerResources: ControllerResources
  log: Logger
  now?: () => number
}

/** Retriable Kafka answers to a voter change: ask again on the next tick. */
const RETRIABLE = new Set(['NOT_LEADER_OR_FOLLOWER', 'REQUEST_TIMED_OUT', 'LEADER_NOT_AVAILABLE', 'NOT_CONTROLLER'])

/** Drives the state's `quorumChange` (see the module doc). Not re-entrant: callers serialize {@link tick}. */
export class QuorumChanger {
  private busy = false

  constructor(private readonly ctx: QuorumChangeContext) {}

  private now(): number {
    return this.ctx.now?.() ?? Date.now()
  }

  get change(): QuorumChange | undefined {
    return this.ctx.state.quorumChange
  }

  private note(text: string): void {
    const c = this.change!
    c.progress.push({ time: this.now(), text })
    c.updatedAt = this.now()
    this.ctx.log.info({ change: c.op, phase: c.phase }, `quorum change: ${text}`)
  }

  private to(phase: QuorumChange['phase'], text: string): void {
    this.change!.phase = phase
    this.change!.detail = undefined
    this.note(text)
  }

  private fail(error: string): void {
    const c = this.change!
    c.error = error
    const leaving = c.phase === 'removing' ? this.ctx.state.controllers.find((n) => n.id === c.leaving) : undefined
    if (leaving) leaving.membership = undefined // still a voter
    const joining =
      c.joining !== undefined
        ? this.ctx.state.controllers.find((n) => n.id === c.joining && n.membership === 'joining')
        : undefined
    this.to(
      'failed',
      `failed: ${error}${joining ? `; controller ${joining.id} is not a voter: drop it with controller remove ${joining.id}` : ''}`,
    )
  }

  /**
   * Starts a change after checking it may start (see {@link refusal}). For add/replace a new
   * controller node is created (active, `joining`) and offers are revived.
   * @throws QuorumChangeRefused with the reason and HTTP status
   */
  async start(op: QuorumChangeOp, id?: number): Promise<QuorumChange> {
    const state = this.ctx.state
    let q: QuorumDescription | string
    try {
      q = await this.ctx.describe()
    } catch (e) {
      q = (e as Error).message
    }
    const refused = refusal(state, q, op, id)
    if (refused) throw new QuorumChangeRefused(refused.message, refused.status)
    const now = this.now()
    const change: QuorumChange = { op, phase: 'placing', startedAt: now, updatedAt: now, progress: [] }
    state.quorumChange = change
    if (op === 'add' || op === 'replace') {
      const node = this.newController()
      change.joining = node.id
      this.note(
        `controller ${node.id} created; waiting for a host without a controller${op === 'replace' ? ` (to replace ${id})` : ''}`,
      )
    }
    if (op === 'remove' || op === 'replace') change.leaving = id
    if (op === 'remove') {
      const node = state.controllers.find((n) => n.id === id)!
      if (node.membership === 'joining') this.to('stopping', `controller ${id} is not a voter: stopping it`)
      else {
        node.membership = 'leaving'
        this.to('removing', `removing voter ${id}: RemoveRaftVoter to the leader`)
      }
    }
    await this.ctx.save()
    if (change.joining !== undefined) await this.ctx.revive()
    return change
  }

  /** A new controller node: next unused id, the quorum's resources, active, joining. */
  private newController(): KafkaNode {
    const state = this.ctx.state
    const id = Math.max(state.nextControllerId ?? 0, CONTROLLER_BASE_ID, ...state.controllers.map((n) => n.id + 1))
    state.nextControllerId = id + 1
    const template = state.controllers[0]
    // its directory id is replaced by the one Kafka formats (read from DescribeQuorum)
    const n = newController(id, template ?? this.ctx.controllerResources)
    n.options = { ...(template?.options ?? {}) }
    n.jvmOptions = template?.jvmOptions ?? ''
    n.javaCmd = template?.javaCmd ?? n.javaCmd
    n.membership = 'joining'
    n.active = true
    state.controllers.push(n)
    return n
  }

  /** Advances the change by at most one step. Never throws (failures are recorded in the change). */
  async tick(): Promise<void> {
    const c = this.change
    if (!changeInProgress(c) || this.busy) return
    this.busy = true
    try {
      const before = JSON.stringify(c)
      await this.step(c!)
      if (JSON.stringify(c) !== before) await this.ctx.save()
    } catch (e) {
      this.ctx.log.warn({ err: (e as Error).message }, 'quorum change step failed; retrying')
      c!.detail = (e as Error).message
      await this.ctx.save()
    } finally {
      this.busy = false
    }
  }

  private async step(c: QuorumChange): Promise<void> {
    const state = this.ctx.state
    if (this.now() - c.startedAt > QUORUM_CHANGE_DEADLINE_MS)
      return this.fail(
        `not done within ${QUORUM_CHANGE_DEADLINE_MS / 60_000} minutes (${c.phase}${c.detail ? `: ${c.detail}` : ''})`,
      )
    const joining = state.controllers.find((n) => n.id === c.joining)
    const leaving = state.controllers.find((n) => n.id === c.leaving)
    switch (c.phase) {
      case 'placing': {
        if (!joining) return this.fail(`controller ${c.joining} is gone from the state`)
        if (joining.task?.state === 'running')
          return this.to(
            'catching-up',
            `controller ${joining.id} runs on ${controllerEndpoint(joining) ?? joining.task!.endpoint} as an observer; waiting until it has caught up with the leader`,
          )
        c.detail = joining.task
          ? `task ${joining.task.state}`
          : (this.ctx.waiting(joining.id) ?? 'waiting for an offer')
        return
      }
      case 'catching-up': {
        if (!joining) return this.fail(`controller ${c.joining} is gone from the state`)
        const q = await this.ctx.describe()
        if (q.voters.some((v) => v.replicaId === joining.id)) return this.joined(c, joining, q)
        const o = q.observers.find((x) => x.replicaId === joining.id)
        if (!o) {
          c.detail = 'not fetching from the leader yet'
          return
        }
        const lag = Math.max(0, q.highWatermark - o.logEndOffset)
        if (lag > 0) {
          c.detail = `observer, ${lag} records behind the leader`
          return
        }
        joining.directoryId = o.directoryId
        return this.to(
          'adding',
          `controller ${joining.id} has caught up (log end offset ${o.logEndOffset}, directory id ${o.directoryId}); AddRaftVoter to leader ${q.leaderId}`,
        )
      }
      case 'adding': {
        if (!joining) return this.fail(`controller ${c.joining} is gone from the state`)
        const q = await this.ctx.describe()
        if (q.voters.some((v) => v.replicaId === joining.id)) return this.joined(c, joining, q)
        const endpoint = controllerEndpoint(joining)
        if (!endpoint || !joining.directoryId)
          return this.fail(`controller ${joining.id} has no endpoint or directory id`)
        const { host, port } = splitEndpoint(endpoint)
        try {
          await addRaftVoter(this.leader(q), {
            clusterId: state.clusterId,
            timeoutMs: ADD_VOTER_TIMEOUT_MS,
            voterId: joining.id,
            voterDirectoryId: joining.directoryId,
            listeners: [{ name: 'CONTROLLER', host, port }],
          })
        } catch (e) {
          if (e instanceof VoterChangeError && e.errorName === 'DUPLICATE_VOTER')
            return this.joined(c, joining, await this.ctx.describe())
          if (e instanceof VoterChangeError && !RETRIABLE.has(e.errorName)) return this.fail(e.message)
          c.detail = `retrying: ${(e as Error).message}`
          return
        }
        return this.joined(c, joining, await this.ctx.describe().catch(() => q))
      }
      case 'removing': {
        if (!leaving) return this.fail(`controller ${c.leaving} is gone from the state`)
        const q = await this.ctx.describe()
        const v = q.voters.find((x) => x.replicaId === leaving.id)
        if (!v) return this.left(c, leaving, q)
        try {
          await removeRaftVoter(this.leader(q), {
            clusterId: state.clusterId,
            voterId: leaving.id,
            voterDirectoryId: v.directoryId,
          })
        } catch (e) {
          if (e instanceof VoterChangeError && e.errorName === 'VOTER_NOT_FOUND') return this.left(c, leaving, q)
          if (e instanceof VoterChangeError && !RETRIABLE.has(e.errorName)) return this.fail(e.message)
          c.detail = `retrying: ${(e as Error).message}`
          return
        }
        return this.left(c, leaving, await this.ctx.describe().catch(() => q))
      }
      case 'stopping': {
        if (!leaving) return this.to('done', `controller ${c.leaving} is gone`)
        const since = c.progress[c.progress.length - 1]?.time ?? c.updatedAt
        if (leaving.active || (leaving.task && leaving.task.state !== 'stopping')) await this.ctx.stop(leaving)
        const stillRuns = !!leaving.task
        if (stillRuns && this.now() - since < STOP_WAIT_MS) {
          c.detail = `waiting for controller ${leaving.id} to stop`
          return
        }
        state.controllers = state.controllers.filter((n) => n !== leaving)
        const rest = voters([...state.controllers, ...state.brokers.filter((b) => b.role === 'broker,controller')])
          .map((n) => n.id)
          .sort((x, y) => x - y)
        return this.to(
          'done',
          `controller ${leaving.id} ${stillRuns ? 'did not stop in time; forgotten anyway' : 'stopped'} and forgotten; voters: ${rest.join(', ')}${rest.length % 2 === 0 ? ` (an even number of voters tolerates no more failures than ${rest.length - 1})` : ''}`,
        )
      }
      default:
        return
    }
  }

  /** `host:port` of the leader's controller listener: our own record of it, else DescribeQuorum's Nodes. */
  private leader(q: QuorumDescription): { host: string; port: number } {
    const ours = [...this.ctx.state.controllers, ...this.ctx.state.brokers].find((n) => n.id === q.leaderId)
    const ep = ours ? controllerEndpoint(ours) : undefined
    if (ep) return splitEndpoint(ep)
    const l = q.nodes.find((n) => n.nodeId === q.leaderId)?.listeners.find((x) => x.name === 'CONTROLLER')
    if (l) return { host: l.host, port: l.port }
    throw new Error(`the leader ${q.leaderId} has no known controller endpoint`)
  }

  private joined(c: QuorumChange, node: KafkaNode, q: QuorumDescription): void {
    node.membership = undefined
    const ids = q.voters.map((v) => v.replicaId)
    if (!ids.includes(node.id)) ids.push(node.id)
    ids.sort((x, y) => x - y)
    if (c.op === 'replace') {
      const old = this.ctx.state.controllers.find((n) => n.id === c.leaving)
      if (old) old.membership = 'leaving'
      return this.to(
        'removing',
        `controller ${node.id} is a voter (voters: ${ids.join(', ')}); removing voter ${c.leaving}`,
      )
    }
    return this.to('done', `controller ${node.id} is a voter; voters: ${ids.join(', ')}`)
  }

  private left(_c: QuorumChange, node: KafkaNode, q: QuorumDescription): void {
    node.membership = 'leaving'
    const ids = q.voters
      .map((v) => v.replicaId)
      .filter((id) => id !== node.id)
      .sort((x, y) => x - y)
    this.to('stopping', `controller ${node.id} is no longer a voter (voters: ${ids.join(', ')}); stopping it`)
  }
}
