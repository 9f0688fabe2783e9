import type { Hono } from 'hono'
import { nodeJson } from '../brokers/index.js'
import { bootstrapServers, brokersWaitFor, controllerEndpoint } from '../kafka/quorum.js'
import { describeQuorum, type QuorumDescription } from '../kafka/wire/index.js'
import type { KafkaScheduler } from '../scheduler.js'

/** One voter or observer row of `controller list`: lag in metadata-log records behind the leader. */
export interface QuorumMemberJson {
  id: number
  role: 'leader' | 'follower' | 'observer'
  logEndOffset: number
  /** records behind the leader's high watermark (0 = caught up); -1 unknown */
  lag: number
  /** epoch ms, -1 unknown */
  lastCaughtUpTimestamp: number
}

/** The quorum as Kafka describes it (DescribeQuorum), shaped for the API. */
export function quorumJson(q: QuorumDescription) {
  const member = (role: 'follower' | 'observer') => (r: QuorumDescription['voters'][number]): QuorumMemberJson => ({
    id: r.replicaId,
    role: r.replicaId === q.leaderId && role === 'follower' ? 'leader' : role,
    logEndOffset: r.logEndOffset,
    lag: r.logEndOffset < 0 ? -1 : Math.max(0, q.highWatermark - r.logEndOffset),
    lastCaughtUpTimestamp: r.lastCaughtUpTimestamp,
  })
  return { leaderId: q.leaderId, leaderEpoch: q.leaderEpoch, highWatermark: q.highWatermark, voters: q.voters.map(member('follower')), observers: q.observers.map(member('observer')) }
}

/**
 * `GET|POST /api/controller/list`: the KRaft controllers the scheduler runs (node JSON plus
 * endpoint) and, when reachable, the quorum from Kafka's own DescribeQuorum (leader, epoch, each
 * voter's lag). `quorumError` says why the quorum could not be described.
 */
export function controllerRoutes(app: Hono, scheduler: KafkaScheduler): void {
  app.on(['GET', 'POST'], '/api/controller/list', async (c) => {
    const controllers = scheduler.state.controllers
    const brokers = scheduler.state.brokers.filter((b) => b.task?.state === 'running').map((b) => b.task!.endpoint)
    const endpoints = [...brokers, ...bootstrapServers(controllers).split(',').filter(Boolean)]
    let quorum: ReturnType<typeof quorumJson> | null = null
    let quorumError: string | undefined
    if (endpoints.length > 0) {
      try {
        quorum = quorumJson(await describeQuorum(endpoints, 3000))
      } catch (e) {
        quorumError = (e as Error).message
      }
    } else quorumError = 'no controller or broker is placed yet'
    return c.json({
      controllers: controllers.map((n) => ({ ...nodeJson(n), endpoint: controllerEndpoint(n), directoryId: n.directoryId })),
      brokersWaitFor: brokersWaitFor(controllers),
      quorum,
      quorumError,
    })
  })
}
