/** The rolling-restart orchestrator: one node at a time, each stopped only when Kafka can spare it. */

/**
 * A rolling restart, as mesos/kafka's `broker restart`
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`), shaped as Strimzi's
 * `KafkaRoller` (`cluster-operator/src/main/java/io/strimzi/operator/cluster/operator/resource/KafkaRoller.java`),
 * which delegates to `KafkaAvailability` (availability.ts here) and `KafkaQuorumCheck`
 * (quorum-check.ts). The order (order.ts): controllers first, the active controller (the quorum
 * leader from DescribeQuorum, asked again before each controller) last, then brokers in the order
 * given. One node at a time:
 *   1. before stopping it: a broker waits until no reassignment runs (a pause if one began during
 *      the roll), every partition has ISR == replicas, and its absence would leave no partition
 *      under `min.insync.replicas`; a controller waits until the other voters can form a caught-up
 *      majority without it (a combined `broker,controller` node is checked as both);
 *   2. stop (controlled shutdown) and wait until the task is gone;
 *   3. start and wait until it runs;
 *   4. a broker waits until every partition is in sync again (mesos/kafka); a controller until it
 *      has caught up with the quorum leader.
 * docs/scheduler.md tells the whole story.
 */

import type { KafkaNode, NodeJson } from '../../contract/index.js'
import { nodeJson } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { kafkaAdmin, type QuorumDescription } from '../kafka/index.js'
import { describeRunningQuorum } from '../quorum/index.js'
import { catchUpBlockers, type ReplicationSnapshot, readReplication, rollBlockers } from './availability.js'
import { nextController, rollOrder } from './order.js'
import { pollUntilClear, type WaitReport } from './poll.js'
import { controllerBlockers, controllerCatchUpBlockers } from './quorum-check.js'

/** The answer of a rolling restart (mesos/kafka's `restart`): `message` says which node timed out on what. */
export interface RestartResult {
  status: 'restarted' | 'timeout'
  brokers: NodeJson[]
  message?: string
}

/** How a roll runs: the time each node may take (ms), whether Kafka is checked, where it reports. */
export interface RollOptions extends WaitReport {
  timeoutMs: number
  waitForReplication: boolean
}

/** Kafka's replication state as the availability checks read it. @throws kafkajs errors */
export async function readReplicationOf(scheduler: KafkaScheduler): Promise<ReplicationSnapshot> {
  return readReplication(await kafkaAdmin(scheduler).get())
}

/** The KRaft quorum as Kafka describes it, asked through the running brokers first, then the voters. */
function readQuorum(scheduler: KafkaScheduler): Promise<QuorumDescription> {
  return describeRunningQuorum(scheduler.state, 'brokers-first', 3000)
}

/** A state the roll waits on: how to read it, and what to say when it cannot be read. */
interface Source<T> {
  read: () => Promise<T>
  failed: string
}

/** Restarts nodes one at a time (see the module doc). Never throws for Kafka trouble: it waits, then times out. */
export class KafkaRoller {
  constructor(
    private readonly scheduler: KafkaScheduler,
    private readonly o: RollOptions,
  ) {}

  /** Rolls `nodes`: controllers first (the active one last), then the others in the order given. */
  async roll(nodes: KafkaNode[]): Promise<RestartResult> {
    const { o } = this
    o.log.info(
      { nodes: nodes.map((n) => n.id), timeoutMs: o.timeoutMs, waitForReplication: o.waitForReplication },
      'rolling restart started',
    )
    const pending = nodes.filter((n) => n.role === 'controller')
    if (pending.length > 0) {
      const leader = await this.leader()
      o.progress(
        `order: ${rollOrder(nodes, leader)
          .map((n) => `${n.role} ${n.id}${n.id === leader ? ' (active controller)' : ''}`)
          .join(', ')}`,
      )
    }
    while (pending.length > 0) {
      const next = nextController(pending, await this.leader())!
      pending.splice(pending.indexOf(next), 1)
      const r = await this.restart(next)
      if (r) return r
    }
    for (const node of nodes.filter((n) => n.role !== 'controller')) {
      const r = await this.restart(node)
      if (r) return r
    }
    o.log.info({ nodes: nodes.map((n) => n.id) }, 'rolling restart done')
    return {
      status: 'restarted',
      brokers: nodes.map((n) => nodeJson(n, Date.now(), this.scheduler.waiting.get(n.id))),
    }
  }

  /** The quorum leader now, or undefined when the quorum cannot be described. */
  private leader(): Promise<number | undefined> {
    return readQuorum(this.scheduler).then(
      (q) => q.leaderId,
      () => undefined,
    )
  }

  /** Restarts one node within its timeout; the timeout answer when a step did not finish in time. */
  private async restart(node: KafkaNode): Promise<RestartResult | undefined> {
    const { o, scheduler } = this
    const deadline = Date.now() + o.timeoutMs
    const oldTask = node.task?.id
    const what = `${node.role} ${node.id}`
    if (o.waitForReplication) {
      const why = await this.untilSafeToStop(node, what, deadline)
      if (why) return this.timeout(node, 'replication', why)
    }
    o.progress(`stopping ${what}`)
    await scheduler.deactivate([node], false)
    if (!(await scheduler.waitUntil(() => !node.task, deadline))) return this.timeout(node, 'stop')
    o.progress(`starting ${what}`)
    await scheduler.activate([node])
    if (
      !(await scheduler.waitUntil(() => node.task?.state === 'running' || !node.active, deadline)) ||
      node.task?.state !== 'running'
    )
      return this.timeout(node, 'start')
    o.progress(`${what} running: task ${node.task.id} (was ${oldTask})`)
    if (o.waitForReplication) {
      const why = await this.untilCaughtUp(node, what, deadline)
      if (why) return this.timeout(node, 'replication', why)
      o.progress(node.role === 'controller' ? `${what}: caught up with the quorum` : `${what}: every partition in sync`)
    }
    return undefined
  }

  /** Waits until the node may stop: as a voter (quorum check), then as a broker (availability). @returns the last reason on a timeout */
  private async untilSafeToStop(node: KafkaNode, what: string, deadline: number): Promise<string | undefined> {
    const label = `${what} waits before stopping`
    return (
      (node.role !== 'broker'
        ? await this.until(this.quorum, label, (q) => controllerBlockers(node.id, q), deadline)
        : undefined) ??
      (node.role !== 'controller'
        ? await this.until(this.replication, label, (s) => rollBlockers(node.id, s), deadline)
        : undefined)
    )
  }

  /** Waits until the restarted node has caught up: with the quorum leader, then every partition in sync. */
  private async untilCaughtUp(node: KafkaNode, what: string, deadline: number): Promise<string | undefined> {
    return (
      (node.role !== 'broker'
        ? await this.until(
            this.quorum,
            `${what} started; waiting for it to catch up`,
            (q) => controllerCatchUpBlockers(node.id, q),
            deadline,
          )
        : undefined) ??
      (node.role === 'controller'
        ? undefined
        : await this.until(this.replication, `${what} started; waiting for replication`, catchUpBlockers, deadline))
    )
  }

  /** What the waits read: Kafka's replication state (partitions, ISR, reassignments), or the KRaft quorum. */
  private readonly replication: Source<ReplicationSnapshot> = {
    read: () => readReplicationOf(this.scheduler),
    failed: 'cannot read replication state from Kafka',
  }
  private readonly quorum: Source<QuorumDescription> = {
    read: () => readQuorum(this.scheduler),
    failed: 'cannot describe the KRaft quorum',
  }

  /** {@link pollUntilClear} over one source. */
  private until<T>(source: Source<T>, what: string, blockers: (s: T) => string[], deadline: number) {
    return pollUntilClear(source.read, source.failed, what, blockers, deadline, this.o)
  }

  /** The answer of a roll stopped by a timeout: `<role> <id> timeout on <phase>[: <why>]`. */
  private timeout(node: KafkaNode, phase: string, why?: string): RestartResult {
    const message = `${node.role} ${node.id} timeout on ${phase}`
    this.o.log.warn({ node: node.id, role: node.role, phase, why }, `rolling restart stopped: ${message}`)
    return { status: 'timeout', brokers: [], message: why ? `${message}: ${why}` : message }
  }
}
