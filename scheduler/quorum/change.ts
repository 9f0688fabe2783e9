/** The rules of a KRaft voter change (KIP-853): its kinds and phases, when one may start, how it reads. */

import type { KafkaNode } from '../../contract/index.js'
import { KmError } from '../../errors/index.js'
import { type QuorumDescription, ZERO_UUID } from '../kafka/index.js'
import type { SchedulerState } from '../storage/index.js'

export type QuorumChange = NonNullable<SchedulerState['quorumChange']>
export type QuorumChangeOp = QuorumChange['op']

/** How long a whole change may take before it is marked failed (ms). */
export const QUORUM_CHANGE_DEADLINE_MS = 10 * 60_000
/** How long a removed controller may take to stop before it is forgotten anyway (ms). */
export const STOP_WAIT_MS = 60_000
/** TimeoutMs of AddRaftVoter: how long the leader may take to commit the new voter set (ms). */
export const ADD_VOTER_TIMEOUT_MS = 30_000
/** Most voters we form: Kafka advises 3 or 5; more only slows commits. */
export const MAX_VOTERS = 9

/** A change that cannot start (KM_ERR_QUORUM_CHANGE); the API answers `status` with the message. */
export class QuorumChangeRefused extends KmError {
  declare readonly status: 400 | 409 | 503
  constructor(message: string, status: 400 | 409 | 503 = 400) {
    super('KM_ERR_QUORUM_CHANGE', message, { status })
  }
}

/** True while a change is under way (not done or failed). */
export function changeInProgress(change: QuorumChange | undefined): boolean {
  return !!change && change.phase !== 'done' && change.phase !== 'failed'
}

const majority = (n: number) => Math.floor(n / 2) + 1

/** Whether a controller runs (its task reported TASK_RUNNING). */
const running = (n: KafkaNode | undefined) => n?.task?.state === 'running'

/**
 * Why a change of this kind cannot start now, or undefined. Pure; `q` is the quorum as DescribeQuorum
 * v2 reports it, or the error text when it could not be described.
 */
export function refusal(
  state: Pick<SchedulerState, 'controllers' | 'brokers' | 'quorumChange'>,
  q: QuorumDescription | string,
  op: QuorumChangeOp,
  id?: number,
): { message: string; status: 400 | 409 | 503 } | undefined {
  const c = state.quorumChange
  if (changeInProgress(c))
    return {
      status: 409,
      message: `another quorum change is in progress (${describeChange(c!)}); wait for it (controller list shows its progress)`,
    }
  const combined = state.brokers.filter((b) => b.role === 'broker,controller')
  if (state.controllers.length === 0 && combined.length === 0)
    return {
      status: 400,
      message: 'there is no KRaft quorum yet: it is created when the first broker starts (broker start)',
    }
  const node = id === undefined ? undefined : state.controllers.find((n) => n.id === id)
  if (op !== 'add') {
    if (id === undefined)
      return {
        status: 400,
        message: 'controller: required, the node id of a controller such as 1000001 (see controller list)',
      }
    if (combined.some((b) => b.id === id))
      return {
        status: 400,
        message: `node ${id} is a broker,controller node: it stays a voter for good (it serves clients too); add controllers and remove others instead`,
      }
    if (!node)
      return {
        status: 400,
        message: `controller ${id} not found; controllers are ${state.controllers.map((n) => n.id).join(', ') || 'none'}`,
      }
    if (op === 'remove' && node.membership === 'joining') return undefined // not a voter: dropping it needs no quorum
  }
  if (typeof q === 'string')
    return { status: 503, message: `the KRaft quorum cannot be described, so its voters cannot change: ${q}` }
  if (q.leaderId < 0)
    return {
      status: 503,
      message: 'the KRaft quorum has no leader right now: a quorum without a running majority cannot change its voters',
    }
  if (q.voters.some((v) => v.directoryId === ZERO_UUID)) {
    return {
      status: 400,
      message:
        'the quorum is static (kraft.version 0: its voters have no directory ids), so voters cannot be added or removed; upgrade it with kafka-features upgrade --feature kraft.version=1 first',
    }
  }
  const voterIds = q.voters.map((v) => v.replicaId)
  const runningVoters = voterIds.filter(
    (v) => running([...state.controllers, ...combined].find((n) => n.id === v)) || v === q.leaderId,
  ).length
  if (op === 'add' || op === 'replace') {
    if (voterIds.length + 1 > MAX_VOTERS && op === 'add')
      return {
        status: 400,
        message: `the quorum already has ${voterIds.length} voters; more than ${MAX_VOTERS} only slows every metadata commit`,
      }
    // The new voter set (one more voter) must commit: a majority of it has to run.
    if (runningVoters + 1 < majority(voterIds.length + 1)) {
      return {
        status: 503,
        message: `only ${runningVoters} of ${voterIds.length} voters run: a voter set of ${voterIds.length + 1} needs ${majority(voterIds.length + 1)} to commit the change`,
      }
    }
  }
  if (op === 'replace' || op === 'remove') {
    if (!voterIds.includes(id!))
      return { status: 400, message: `controller ${id} is not a voter of the quorum (voters: ${voterIds.join(', ')})` }
  }
  if (op === 'remove') {
    if (voterIds.length === 1)
      return {
        status: 400,
        message: `controller ${id} is the only voter: a quorum needs at least one; add another controller first (controller add)`,
      }
    const left = voterIds.length - 1
    const leftRunning = runningVoters - (running(node) || id === q.leaderId ? 1 : 0)
    if (leftRunning < majority(left)) {
      return {
        status: 400,
        message: `removing controller ${id} would leave ${left} voters of which ${leftRunning} run, below a majority (${majority(left)}); start or replace the stopped controllers first`,
      }
    }
  }
  return undefined
}

/** One line about a change: `add 1000003: catching-up (observer, 12 records behind)`. */
export function describeChange(c: QuorumChange): string {
  const who =
    c.op === 'replace'
      ? `replace ${c.leaving} by ${c.joining}`
      : c.op === 'add'
        ? `add ${c.joining}`
        : `remove ${c.leaving}`
  return `${who}: ${c.phase}${c.detail ? ` (${c.detail})` : ''}${c.error ? ` — ${c.error}` : ''}`
}
