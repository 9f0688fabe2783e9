import type { Hono } from 'hono'
import type { Logger } from 'pino'
import { z } from 'zod'
import { type ControllerJson, parsePeriod } from '../../contract/index.js'
import { nodeJson } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { waitUntil } from '../framework/index.js'
import type { QuorumDescription } from '../kafka/index.js'
import {
  brokersWaitFor,
  changeInProgress,
  controllerEndpoint,
  describeChange,
  type QuorumChange,
  type QuorumChangeOp,
  QuorumChangeRefused,
} from '../quorum/index.js'
import { ApiError, readParams, validate, via } from './params.js'

/** How long `controller add|remove|replace` waits for the change by default (ms); `timeout=0` answers at once. */
export const DEFAULT_CHANGE_WAIT_MS = 2 * 60_000

const ChangeParamsSchema = z.object({
  controller: z
    .string()
    .trim()
    .regex(/^\d+$/, 'controller: expected the node id of a controller such as 1000001 (see controller list)')
    .transform(Number)
    .optional(),
  timeout: via((s) => parsePeriod(s, 'timeout')).optional(),
})

/** A quorum change for the API: the stored change plus a one-line summary. */
export function changeJson(c: QuorumChange | undefined) {
  return c
    ? {
        ...c,
        summary: describeChange(c),
        progress: c.progress.map((p) => ({ time: new Date(p.time).toISOString(), text: p.text })),
      }
    : null
}

/** One voter or observer row of `controller list`: lag in metadata-log records behind the leader. */
export interface QuorumMemberJson {
  id: number
  role: 'leader' | 'follower' | 'observer'
  logEndOffset: number
  /** records behind the leader's high watermark (0 = caught up); -1 unknown */
  lag: number
  /** epoch ms, -1 unknown */
  lastCaughtUpTimestamp: number
  /** metadata log directory id (Kafka Uuid) */
  directoryId: string
}

/** The quorum as Kafka describes it (DescribeQuorum), shaped for the API. */
export function quorumJson(q: QuorumDescription) {
  const member =
    (role: 'follower' | 'observer') =>
    (r: QuorumDescription['voters'][number]): QuorumMemberJson => ({
      id: r.replicaId,
      role: r.replicaId === q.leaderId && role === 'follower' ? 'leader' : role,
      logEndOffset: r.logEndOffset,
      lag: r.logEndOffset < 0 ? -1 : Math.max(0, q.highWatermark - r.logEndOffset),
      lastCaughtUpTimestamp: r.lastCaughtUpTimestamp,
      directoryId: r.directoryId,
    })
  return {
    leaderId: q.leaderId,
    leaderEpoch: q.leaderEpoch,
    highWatermark: q.highWatermark,
    voters: q.voters.map(member('follower')),
    observers: q.observers.map(member('observer')),
    nodes: q.nodes,
  }
}

/**
 * `GET|POST /api/controller/list`: the KRaft controllers the scheduler runs (node JSON plus
 * endpoint, `waiting` while one waits for an offer, `membership` while joining or leaving) and,
 * when reachable, the quorum from Kafka's own DescribeQuorum v2 (leader, epoch, each voter's lag and
 * directory id); `quorumError` says why the quorum could not be described; `change` is the current
 * or last voter change with its progress.
 *
 * `POST /api/controller/add`, `/api/controller/remove?controller=<id>`,
 * `/api/controller/replace?controller=<id>` (`timeout`, a period, default 2m; `0` = don't wait):
 * change the voter set (scheduler/kafka/quorum-change.ts). Answers `{status: done|failed|in progress,
 * change, controllers}`; a change that may not start is HTTP 400 (409 while another runs, 503
 * without a quorum leader) naming the reason.
 */
export function controllerRoutes(app: Hono, scheduler: KafkaScheduler, log?: Logger): void {
  const controllersJson = (): ControllerJson[] =>
    scheduler.voterNodes().map((n) => ({
      ...nodeJson(n, Date.now(), scheduler.waiting.get(n.id)),
      endpoint: controllerEndpoint(n),
      directoryId: n.directoryId,
      membership: n.membership,
    }))

  app.on(['GET', 'POST'], '/api/controller/list', async (c) => {
    const controllers = scheduler.voterNodes()
    let quorum: ReturnType<typeof quorumJson> | null = null
    let quorumError: string | undefined
    const placed =
      controllers.some((n) => controllerEndpoint(n)) || scheduler.state.brokers.some((b) => b.task?.state === 'running')
    if (placed) {
      try {
        quorum = quorumJson(await scheduler.describeQuorum(3000))
      } catch (e) {
        quorumError = (e as Error).message
      }
    } else quorumError = 'no controller or broker is placed yet'
    return c.json({
      controllers: controllersJson(),
      brokersWaitFor: brokersWaitFor(controllers),
      quorum,
      quorumError,
      change: changeJson(scheduler.state.quorumChange),
    })
  })

  for (const op of ['add', 'remove', 'replace'] as const satisfies readonly QuorumChangeOp[]) {
    app.post(`/api/controller/${op}`, async (c) => {
      const p = validate(ChangeParamsSchema, await readParams(c))
      if (op !== 'add' && p.controller === undefined)
        throw new ApiError(
          400,
          'controller: required, the node id of a controller such as 1000001 (see controller list)',
        )
      let change: QuorumChange
      try {
        change = await scheduler.quorumChanger.start(op, p.controller)
      } catch (e) {
        if (e instanceof QuorumChangeRefused) throw new ApiError(e.status, e.message, e.code)
        throw e
      }
      log?.info({ op, controller: p.controller }, `controller ${op} started`)
      void scheduler.quorumChanger.tick()
      const timeout = p.timeout ?? DEFAULT_CHANGE_WAIT_MS
      if (timeout > 0)
        await waitUntil(
          scheduler,
          () => !changeInProgress(scheduler.state.quorumChange) || scheduler.state.quorumChange !== change,
          Date.now() + timeout,
        )
      const now = scheduler.state.quorumChange
      const status = changeInProgress(now) ? 'in progress' : now?.phase === 'failed' ? 'failed' : 'done'
      return c.json({ status, change: changeJson(now), controllers: controllersJson() })
    })
  }
}
