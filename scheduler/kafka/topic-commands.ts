/** The topic commands of the REST API: list, add, update, delete, rebalance (status, cancel, wait), preferred-leader election, partition list. */

import type { Admin } from 'kafkajs'
import type { Logger } from 'pino'
import { type BrokerRef, interleaveByAttributes } from '../brokers/index.js'
import type { KafkaAdmin } from './admin.js'
import { type ElectionAnswer, electPreferredLeaders } from './elect.js'
import { KafkaRequestError } from './kafka-errors.js'
import { type RebalanceAnswer, Rebalancer } from './rebalance.js'
import {
  addTopics,
  deleteTopics,
  describeTopics,
  type PartitionJson,
  partitionList,
  resolveTopics,
  type TopicJson,
  updateTopics,
} from './topics.js'

/** `topic add`: the topics (expression), the brokers to place replicas on (expression), and the assignment's settings. */
export interface TopicAddRequest {
  topic: string
  broker: string
  partitions: number
  replicas: number
  fixedStartIndex: number
  startPartitionId: number
  options: Record<string, string>
}

/** `topic rebalance`: no `topic` (or `status`) for the status; `cancel` for cancelling; else the topics to move. */
export interface TopicRebalanceRequest {
  topic?: string
  broker: string
  replicas: number
  fixedStartIndex: number
  startPartitionId: number
  /** ms to wait for the moves; none: answer once they started */
  timeout?: number
  realign: boolean
  dryRun: boolean
  cancel: boolean
  /** MB/s (MiB) of replication throttle during the moves */
  throttle?: number
}

/** A started rebalance to wait for: it reports progress lines and answers when the moves are done or the timeout passed. */
export type RebalanceWait = (progress?: (line: string) => void) => Promise<RebalanceAnswer>

/**
 * The topic commands, as mesos/kafka's `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/TopicApi.scala`
 * and `PartitionApi.scala`, carried out through Kafka's Admin API (topics.ts, rebalance.ts,
 * elect.ts). One instance per API: it keeps the last rebalance's plan (in memory, as mesos/kafka).
 * Errors: KafkaRequestError (400) for bad requests and Kafka's refusals, TopicExprError, ExprError,
 * AssignmentError, ValueError; NoBrokersError (503) and kafkajs errors when Kafka can't be asked.
 */
export class TopicCommands {
  private readonly rebalancer: Rebalancer

  /**
   * @param kafka the scheduler's Admin client
   * @param brokers the scheduler's brokers as id expressions see them (brokers/expr.ts `brokerRefs`)
   */
  constructor(
    private readonly kafka: KafkaAdmin,
    private readonly brokers: () => BrokerRef[],
    private readonly log: Logger,
  ) {
    this.rebalancer = new Rebalancer(log, () => kafka.get())
  }

  /** `topic list`: the topics an expression names that exist. */
  async list(expr: string): Promise<TopicJson[]> {
    const a = await this.kafka.get()
    const { names } = await resolveTopics(a, expr, true)
    return describeTopics(a, names)
  }

  /** `topic add`: creates the topics with Kafka's replica assignment over the chosen running brokers. */
  async add(p: TopicAddRequest): Promise<TopicJson[]> {
    const a = await this.kafka.get()
    const { names, existing } = await resolveTopics(a, p.topic, false)
    if (names.length === 0) throw new KafkaRequestError(`topic: "${p.topic}" names no topic`, 'KM_ERR_INVALID_PARAM')
    const brokers = await this.placementBrokers(a, p.broker)
    const planned = await addTopics(
      a,
      {
        names,
        brokers,
        partitions: p.partitions,
        replicas: p.replicas,
        fixedStartIndex: p.fixedStartIndex,
        startPartitionId: p.startPartitionId,
        options: p.options,
      },
      existing,
    )
    this.log.info(
      {
        topics: names,
        brokers,
        partitions: p.partitions,
        replicas: p.replicas,
        assignment: Object.fromEntries(planned),
      },
      'topics created',
    )
    return describeTopics(a, names)
  }

  /** `topic update`: replaces the topics' config overrides with `options` (`{}` clears them). */
  async update(expr: string, options: Record<string, string>): Promise<TopicJson[]> {
    const a = await this.kafka.get()
    const { names, existing } = await resolveTopics(a, expr, false)
    await updateTopics(a, names, options, existing)
    this.log.info({ topics: names, options }, 'topic config overrides replaced')
    return describeTopics(a, names)
  }

  /** `topic delete`: deletes the topics. @returns them as they were */
  async delete(expr: string): Promise<TopicJson[]> {
    const a = await this.kafka.get()
    const { names, existing } = await resolveTopics(a, expr, false)
    const before = await describeTopics(
      a,
      names.filter((n) => existing.has(n)),
    )
    await deleteTopics(a, names, existing)
    this.log.info({ topics: names }, 'topics deleted')
    return before
  }

  /**
   * `topic rebalance`: the status (no topic, or `status`), a cancel, or a rebalance/realign of the
   * topics over the chosen brokers. With a `timeout`, a started one is returned as a
   * {@link RebalanceWait}.
   */
  async rebalance(p: TopicRebalanceRequest): Promise<RebalanceAnswer | RebalanceWait> {
    const a = await this.kafka.get()
    if (p.cancel) {
      if (p.topic && p.topic !== 'cancel')
        throw new KafkaRequestError(
          'cancel: cancels every running reassignment; leave out topic (or pass topic=cancel)',
          'KM_ERR_INVALID_PARAM',
        )
      return this.rebalancer.cancel(a, this.kafka.endpoints())
    }
    if (!p.topic || p.topic === 'status') return this.rebalancer.status(a)
    if (p.realign && p.startPartitionId !== -1)
      throw new KafkaRequestError('startPartitionId is incompatible with realign', 'KM_ERR_INVALID_PARAM')
    const { names } = await resolveTopics(a, p.topic, true)
    const brokers = await this.placementBrokers(a, p.broker)
    const started = await this.rebalancer.start(a, {
      topics: names,
      brokers,
      replicas: p.replicas,
      fixedStartIndex: p.fixedStartIndex,
      startPartitionId: p.startPartitionId,
      realign: p.realign,
      dryRun: p.dryRun,
      throttleBytesPerSec: p.throttle === undefined ? undefined : p.throttle * 1024 * 1024,
    })
    if (started.status !== 'started' || !p.timeout) return started
    const timeout = p.timeout
    return (progress) => this.rebalancer.waitDone(a, timeout, progress)
  }

  /** `topic elect-leaders`: preferred-leader election of existing topics (elect.ts). */
  async electLeaders(expr: string): Promise<ElectionAnswer> {
    const a = await this.kafka.get()
    const { names, existing } = await resolveTopics(a, expr, false)
    const missing = names.filter((n) => !existing.has(n))
    if (missing.length > 0)
      throw new KafkaRequestError(`topic: topic(s) not found ${missing.join(',')}`, 'KM_ERR_NOT_FOUND')
    if (names.length === 0) throw new KafkaRequestError(`topic: "${expr}" names no topic`, 'KM_ERR_INVALID_PARAM')
    const answer = await electPreferredLeaders(a, this.kafka.endpoints(), names)
    this.log.info(
      { topics: names, elected: answer.elected.length, notNeeded: answer.notNeeded.length, failed: answer.failed },
      'preferred leader election',
    )
    return answer
  }

  /** `partition list`: each partition's replicas, ISR, leader and preferred leader, by topic. */
  async partitions(expr: string): Promise<Record<string, PartitionJson[]>> {
    const a = await this.kafka.get()
    const { names } = await resolveTopics(a, expr, true)
    return partitionList(a, names)
  }

  /**
   * The brokers of a `--broker` expression in placement order (rack-interleaved by the filter's
   * attributes, mesos/kafka's `Expr.expandBrokers`), restricted to brokers Kafka has registered: with
   * the default `*` others are skipped; named ones that Kafka doesn't know are an error.
   * @throws KafkaRequestError KM_ERR_BROKER_NOT_RUNNING
   */
  private async placementBrokers(a: Admin, expr: string): Promise<number[]> {
    const order = interleaveByAttributes(expr, this.brokers())
    const registered = new Set((await a.describeCluster()).brokers.map((b) => b.nodeId))
    const unknown = order.filter((id) => !registered.has(id))
    const out = order.filter((id) => registered.has(id))
    if (unknown.length > 0 && expr.trim() !== '*') {
      throw new KafkaRequestError(
        `broker: ${unknown.join(',')} ${unknown.length > 1 ? 'are' : 'is'} not running in Kafka (running: ${[...registered].sort((x, y) => x - y).join(',') || 'none'})`,
        'KM_ERR_BROKER_NOT_RUNNING',
      )
    }
    if (out.length === 0)
      throw new KafkaRequestError(`broker: "${expr}" names no running broker`, 'KM_ERR_BROKER_NOT_RUNNING')
    return out
  }
}
