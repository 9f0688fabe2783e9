/** `topic rebalance` and `topic realign`: plans, Kafka reassignments (KIP-455), their progress and cancel. */

/**
 * `topic rebalance` and `topic realign` (mesos/kafka `src/scala/main/ly/stealth/mesos/kafka/scheduler/Rebalancer.scala`), carried out with Kafka's
 * partition reassignments (AlterPartitionReassignments / ListPartitionReassignments, KIP-455) instead
 * of mesos/kafka's ZooKeeper node `/admin/reassign_partitions`. The Kafka controller moves the data.
 *
 * - rebalance ("scramble"): every partition of every topic is recomputed with Kafka's
 *   `assignReplicasToBrokers` over the chosen brokers; RF = `replicas` or the topic's current RF.
 * - realign: only partitions with the wrong replica count or a replica outside the chosen brokers
 *   change (assignment.ts `realign`).
 * - Refused while any reassignment runs in Kafka ("rebalance is already running", as mesos/kafka's `TopicApi.scala`).
 * - `dryRun` (past mesos/kafka) answers with the proposed moves and changes nothing.
 * - The last run's plan is kept in memory (as mesos/kafka: lost when the scheduler restarts); its
 *   status is read from Kafka each time.
 * - `throttleBytesPerSec` (past mesos/kafka) limits replication during the moves; the throttle is
 *   cleared as soon as the moves are over (a 2 s watcher, and every status read). A scheduler restart
 *   mid-move forgets it: the configs then stay until removed by hand.
 * - Progress (past mesos/kafka): partitions done of those planned and bytes copied of those to copy
 *   (move-progress.ts, sizes from DescribeLogDirs), in every answer's `progress`; the dry run shows
 *   the bytes it would copy.
 * - `cancel` (past mesos/kafka) cancels every running reassignment (AlterPartitionReassignments with
 *   null replicas, through our wire client: kafkajs can't send null); Kafka puts the partitions back
 *   on their replicas from before (we restore their order too), and the throttle is removed at once.
 */

import type { Admin } from 'kafkajs'
import type { Logger } from 'pino'
import { formatProgress, type MoveProgress } from '../../contract/index.js'
import { type Assignment, assignReplicas, realign, sameAssignment } from './assignment.js'
import { KafkaRequestError } from './kafka-errors.js'
import { addedSizes, bytesToMove, partitionSizes, progressOf } from './move-progress.js'
import { applyThrottle, removeThrottle, type Throttle } from './throttle.js'
import { assignments, refusal, topicMetadata } from './topics.js'
import { alterPartitionReassignments } from './wire/index.js'

/**
 * Per-partition state as mesos/kafka's `state` text (`Rebalancer.scala`): `running` in Kafka's reassignments, `done`
 * when the replicas equal the target, `cancelled` after a cancel (ours), else `error`.
 */
export type MoveState = 'running' | 'done' | 'error' | 'cancelled'

/** One partition's move in a plan. */
export interface Move {
  topic: string
  partition: number
  from: number[]
  to: number[]
}

/** Inputs of {@link Rebalancer.start}. */
export interface RebalanceRequest {
  topics: string[]
  /** broker ids in placement order */
  brokers: number[]
  /** target RF, -1 = keep each topic's */
  replicas: number
  fixedStartIndex: number
  startPartitionId: number
  realign: boolean
  dryRun: boolean
  /** replication throttle for the moves in bytes/s (throttle.ts), cleared once they finish; undefined = none */
  throttleBytesPerSec?: number
}

/**
 * The REST answer of `topic/rebalance` (`TopicApi.scala`): `status` one of `started`, `completed`, `timeout`,
 * `failed`, `idle (no-op)`, `running`, `idle`, plus ours `dry-run` and `cancelled`; `state`
 * mesos/kafka's text block; plus (past mesos/kafka) `moves` with each partition's from/to/state and
 * `progress`.
 */
export interface RebalanceAnswer {
  status: string
  state: string
  error: string | null
  moves: Array<Move & { state?: MoveState }>
  /** the replication throttle in force for the last rebalance, null when none (or already cleared) */
  throttle: Throttle | null
  /** partitions done and bytes copied (of those planned); null when no rebalance ran since the scheduler started */
  progress: MoveProgress | null
}

/** Computes the target assignment of each topic; only partitions that change are returned. */
export function plan(current: Map<string, Assignment>, req: Omit<RebalanceRequest, 'topics' | 'dryRun'>): Move[] {
  const moves: Move[] = []
  for (const [topic, a] of [...current].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const ids = Object.keys(a)
      .map(Number)
      .sort((x, y) => x - y)
    if (ids.length === 0) continue
    let target: Assignment
    if (req.realign) {
      target = realign(a, { brokers: req.brokers, replicas: req.replicas, fixedStartIndex: req.fixedStartIndex })
    } else {
      const rf = req.replicas !== -1 ? req.replicas : a[ids[0]].length
      target = assignReplicas({
        brokers: req.brokers,
        partitions: ids.length,
        replicas: rf,
        fixedStartIndex: req.fixedStartIndex,
        startPartitionId: req.startPartitionId,
      })
      // startPartitionId only shifts where the round-robin starts: the partitions are still 0..n-1
      if (req.startPartitionId > 0) target = Object.fromEntries(Object.values(target).map((r, i) => [ids[i], r]))
    }
    for (const p of ids) {
      const to = target[p]
      if (to && !sameAssignment({ 0: a[p] }, { 0: to })) moves.push({ topic, partition: p, from: a[p], to })
    }
  }
  return moves
}

function stateText(moves: Array<Move & { state?: MoveState }>): string {
  let s = ''
  let topic: string | undefined
  for (const m of moves) {
    if (m.topic !== topic) s += `${(topic = m.topic)}\n`
    s += `  ${m.partition}: ${m.from.join(',')} -> ${m.to.join(',')}${m.state ? ` - ${m.state}` : ''}\n`
  }
  return s
}

/** Runs rebalances one at a time and reports their progress. */
export class Rebalancer {
  private last: Move[] | undefined
  /** `topic:partition` → bytes before the move (move-progress.ts) */
  private sizes = new Map<string, number>()
  private cancelled = false
  private starting = false
  private throttle: Throttle | undefined
  private watcher: NodeJS.Timeout | undefined

  /** @param getAdmin the shared Admin (admin.ts), used by the throttle watcher */
  constructor(
    private readonly log: Logger,
    private readonly getAdmin?: () => Promise<Admin>,
  ) {}

  /** Partitions Kafka is reassigning now: `topic:partition` → target replicas. */
  async ongoing(admin: Admin): Promise<Map<string, number[]>> {
    const res = await admin.listPartitionReassignments({ timeout: 10_000 })
    const out = new Map<string, number[]>()
    // kafkajs 2.2.4's types say `topic` and `partitionIndex`; its decoder yields `name` and `partition`
    type Ongoing = {
      topic?: string
      name?: string
      partitions: Array<{ partitionIndex?: number; partition?: number; replicas: number[] }>
    }
    for (const t of res.topics as Ongoing[]) {
      for (const p of t.partitions) out.set(`${t.name ?? t.topic}:${p.partition ?? p.partitionIndex}`, p.replicas)
    }
    return out
  }

  /**
   * Plans and (unless `dryRun`) submits a reassignment.
   * @throws KafkaRequestError `rebalance is already running`, `no topics specified`, Kafka's refusal;
   *   AssignmentError for replicas > brokers or too few candidates (realign)
   */
  async start(admin: Admin, req: RebalanceRequest): Promise<RebalanceAnswer> {
    if (req.topics.length === 0)
      throw new KafkaRequestError(
        'topic: no topics specified (the expression matched no existing topic)',
        'KM_ERR_NO_TOPICS',
      )
    if (this.starting) throw new KafkaRequestError('rebalance is already running', 'KM_ERR_REBALANCE_RUNNING')
    this.starting = true
    try {
      const running = await this.ongoing(admin)
      if (running.size > 0 && !req.dryRun)
        throw new KafkaRequestError(
          `rebalance is already running (${running.size} partition(s) being reassigned); see: topic rebalance status`,
          'KM_ERR_REBALANCE_RUNNING',
        )
      const current = await assignments(admin, req.topics)
      const missing = req.topics.filter((t) => !current.has(t))
      if (missing.length > 0) throw new KafkaRequestError(`topic(s) not found ${missing.join(',')}`, 'KM_ERR_NOT_FOUND')
      const moves = plan(current, req)
      const sizes = await this.sizesOf(admin, moves)
      if (req.dryRun) {
        return {
          status: 'dry-run',
          state: stateText(moves),
          error: null,
          moves,
          throttle: null,
          progress: progressOf(moves, sizes, new Map()),
        }
      }
      if (moves.length === 0) {
        this.log.info(
          { topics: req.topics, brokers: req.brokers, realign: req.realign },
          'rebalance needs no change: every partition already has its target replicas',
        )
        return { status: 'idle (no-op)', state: '', error: null, moves: [], throttle: null, progress: null }
      }
      const byTopic = new Map<string, Move[]>()
      for (const m of moves) byTopic.set(m.topic, [...(byTopic.get(m.topic) ?? []), m])
      if (req.throttleBytesPerSec !== undefined) {
        this.throttle = await applyThrottle(admin, moves, req.throttleBytesPerSec)
        this.log.info({ ...this.throttle }, 'replication throttle set for the moves')
      }
      try {
        await admin.alterPartitionReassignments({
          timeout: 30_000,
          topics: [...byTopic].map(([topic, ms]) => ({
            topic,
            partitionAssignment: ms.map((m) => ({ partition: m.partition, replicas: m.to })),
          })),
        })
      } catch (e) {
        await this.clearThrottle(admin, 'the reassignment was refused')
        throw refusal(e, 'Kafka refused the reassignment')
      }
      this.last = moves
      this.sizes = sizes
      this.cancelled = false
      if (this.throttle) this.watch()
      this.log.info(
        {
          topics: [...byTopic.keys()],
          partitions: moves.length,
          bytes: bytesToMove(moves, sizes),
          brokers: req.brokers,
          replicas: req.replicas,
          realign: req.realign,
        },
        'rebalance started: partition reassignments submitted to Kafka',
      )
      return this.status(admin, 'started')
    } finally {
      this.starting = false
    }
  }

  /**
   * The last rebalance's progress; `status` is `running` while Kafka reassigns any partition, else
   * `idle` (or `label` when given). Each move's state is read from Kafka.
   */
  async status(admin: Admin, label?: string): Promise<RebalanceAnswer> {
    const running = await this.ongoing(admin)
    const last = this.last
    const moves = last ?? []
    const meta = await topicMetadata(admin, [...new Set(moves.map((m) => m.topic))])
    const withState = moves.map((m) => {
      let state: MoveState
      if (running.has(`${m.topic}:${m.partition}`)) state = 'running'
      else {
        const now = meta.get(m.topic)?.find((p) => p.partitionId === m.partition)?.replicas ?? []
        const done = [...now].sort((a, b) => a - b).join(',') === [...m.to].sort((a, b) => a - b).join(',')
        state = done ? 'done' : this.cancelled ? 'cancelled' : 'error'
      }
      return { ...m, state }
    })
    if (this.throttle && !withState.some((m) => m.state === 'running'))
      await this.clearThrottle(admin, 'the moves are over')
    const status = label ?? (running.size > 0 ? 'running' : 'idle')
    const progress = last
      ? progressOf(withState, this.sizes, await addedSizes(admin, withState).catch(() => new Map<string, number>()))
      : null
    return {
      status,
      state: stateText(withState),
      error: null,
      moves: withState,
      throttle: this.throttle ?? null,
      progress,
    }
  }

  /** Partition sizes for the plan; an empty map (bytes unknown, 0) when the brokers can't be asked. */
  private async sizesOf(admin: Admin, moves: Move[]): Promise<Map<string, number>> {
    if (moves.length === 0) return new Map()
    try {
      return await partitionSizes(admin, moves)
    } catch (e) {
      this.log.warn(
        { err: (e as Error).message },
        'cannot read partition sizes (DescribeLogDirs); bytes to move are unknown',
      )
      return new Map()
    }
  }

  /**
   * Cancels every reassignment Kafka runs (ours or anyone's): AlterPartitionReassignments with null
   * replicas (KIP-455) through `endpoints`, then removes the throttle this rebalance applied. Kafka
   * puts each partition back on its replicas from before the move.
   * @returns the status, `cancelled`, with each move `cancelled` (or `done` if it finished first)
   * @throws KafkaRequestError `no rebalance is running` when none runs, or Kafka's refusal
   */
  async cancel(admin: Admin, endpoints: readonly string[]): Promise<RebalanceAnswer> {
    const running = await this.ongoing(admin)
    if (running.size === 0)
      throw new KafkaRequestError(
        'no rebalance is running: there is no partition reassignment to cancel (see: topic rebalance status)',
        'KM_ERR_NOT_RUNNING',
      )
    const changes = [...running.keys()].map((k) => {
      const i = k.lastIndexOf(':')
      return { topic: k.slice(0, i), partition: Number(k.slice(i + 1)), replicas: null }
    })
    const results = await alterPartitionReassignments(endpoints, changes)
    // NO_REASSIGNMENT_IN_PROGRESS: that partition finished between the list and the cancel
    const failed = results.filter((r) => r.error !== null && r.error !== 'NO_REASSIGNMENT_IN_PROGRESS')
    if (failed.length > 0)
      throw new KafkaRequestError(
        `Kafka refused to cancel: ${failed.map((f) => `${f.topic}-${f.partition}: ${f.error}${f.message ? ` ${f.message}` : ''}`).join('; ')}`,
      )
    this.cancelled = true
    this.log.info(
      { partitions: changes.map((c) => `${c.topic}-${c.partition}`) },
      'rebalance cancelled: partition reassignments cancelled in Kafka',
    )
    await this.clearThrottle(admin, 'the rebalance was cancelled')
    await this.restoreOrder(admin, endpoints, new Set(changes.map((c) => `${c.topic}:${c.partition}`)))
    return this.status(admin, 'cancelled')
  }

  /**
   * Kafka's cancel leaves a partition on its replicas from before but not always in their order
   * (KRaft drops the adding replicas from the merged list), which would change its preferred
   * leader. For our last plan's moves, waits (up to 5 s) until the metadata shows the old replica
   * set, then reorders the ones listed differently with a reassignment that moves no data.
   */
  private async restoreOrder(admin: Admin, endpoints: readonly string[], cancelled: Set<string>): Promise<void> {
    const moves = (this.last ?? []).filter((m) => cancelled.has(`${m.topic}:${m.partition}`))
    if (moves.length === 0) return
    const set = (r: number[]) => [...r].sort((a, b) => a - b).join(',')
    const deadline = Date.now() + 5_000
    for (;;) {
      const meta = await topicMetadata(admin, [...new Set(moves.map((m) => m.topic))])
      const now = (m: Move) => meta.get(m.topic)?.find((p) => p.partitionId === m.partition)?.replicas ?? []
      const settled = moves.every((m) => set(now(m)) === set(m.from))
      if (settled || Date.now() >= deadline) {
        const reorder = moves.filter((m) => set(now(m)) === set(m.from) && now(m).join(',') !== m.from.join(','))
        if (reorder.length === 0) return
        const results = await alterPartitionReassignments(
          endpoints,
          reorder.map((m) => ({ topic: m.topic, partition: m.partition, replicas: m.from })),
        )
        const failed = results.filter((r) => r.error !== null)
        if (failed.length > 0)
          this.log.warn({ failed }, 'cancelled rebalance: could not restore the replica order of some partitions')
        else
          this.log.info(
            { partitions: reorder.map((m) => `${m.topic}-${m.partition}`) },
            'cancelled rebalance: replica order restored (preferred leaders as before)',
          )
        return
      }
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  /** Removes the throttle, if any; failures are logged and retried by the next status read. */
  private async clearThrottle(admin: Admin, why: string): Promise<void> {
    const t = this.throttle
    if (!t) return
    try {
      await removeThrottle(admin, t)
      if (this.throttle === t) this.throttle = undefined
      this.log.info({ ...t }, `replication throttle removed: ${why}`)
    } catch (e) {
      this.log.warn({ err: (e as Error).message, ...t }, 'could not remove the replication throttle yet; will retry')
    }
  }

  /** Every 2 s, reads the status (which clears the throttle once the moves are over) until no throttle is left. */
  private watch(): void {
    if (this.watcher || !this.getAdmin) return
    const getAdmin = this.getAdmin
    let busy = false
    this.watcher = setInterval(() => {
      if (busy) return
      if (!this.throttle) {
        clearInterval(this.watcher)
        this.watcher = undefined
        return
      }
      busy = true
      void getAdmin()
        .then((a) => this.status(a))
        .catch((e: Error) => this.log.warn({ err: e.message }, 'throttle watcher: cannot read the rebalance status'))
        .finally(() => (busy = false))
    }, 2000)
    this.watcher.unref()
  }

  /** Stops the throttle watcher (scheduler shutdown). */
  close(): void {
    clearInterval(this.watcher)
    this.watcher = undefined
  }

  /**
   * Polls (every 500 ms) until no reassignment runs and every move of the last plan is `done`, or
   * the deadline passes. `onProgress` gets a line (move-progress.ts `formatProgress`) each time the
   * progress changes.
   * @returns the final answer with status `completed`, `timeout`, or `failed` when it was cancelled meanwhile
   */
  async waitDone(admin: Admin, timeoutMs: number, onProgress?: (line: string) => void): Promise<RebalanceAnswer> {
    const deadline = Date.now() + timeoutMs
    let said = ''
    for (;;) {
      const s = await this.status(admin)
      if (onProgress && s.progress) {
        const line = formatProgress(s.progress)
        if (line !== said) onProgress((said = line))
      }
      const done = s.status === 'idle' && s.moves.every((m) => m.state === 'done')
      if (done) return { ...s, status: 'completed' }
      if (s.status === 'idle' && s.moves.some((m) => m.state === 'cancelled'))
        return { ...s, status: 'failed', error: 'the rebalance was cancelled' }
      if (Date.now() >= deadline) return { ...s, status: 'timeout' }
      await new Promise((r) => setTimeout(r, Math.min(500, Math.max(0, deadline - Date.now()))))
    }
  }
}
