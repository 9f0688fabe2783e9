/** The broker scheduler, a Mesos framework: its state, the subscribe loop, and the dispatch of master events to its parts. */

import type { Logger } from 'pino'
import { type KafkaNode, newClusterId } from '../../contract/index.js'
import { SchedulerClient } from '../../core-cluster/client/index.js'
import type { InverseOffer, Offer, TaskStatus } from '../../core-cluster/proto/index.js'
import type { LastDecline } from '../brokers/index.js'
import type { QuorumDescription } from '../kafka/index.js'
import type { RequestBody, RequestOutcome } from '../observe/index.js'
import { type OfferDecision, OfferPlacer } from '../placement/index.js'
import { changeInProgress, describeRunningQuorum, QuorumChanger, QuorumKeeper, voterNodes } from '../quorum/index.js'
import type { SchedulerState } from '../storage/index.js'
import { ExecutorMessages, stopMessage } from './executor-messages.js'
import { answerInverseOffers } from './inverse-offers.js'
import type { MasterCall } from './master-calls.js'
import { OfferSuppression } from './offer-suppression.js'
import type { SchedulerOptions } from './options.js'
import { TaskReconciler } from './reconciliation.js'
import { waitUntil } from './state-wait.js'
import { freesHost, StatusUpdates } from './status-updates.js'

/**
 * The broker scheduler: a Mesos framework (`include/mesos/v1/scheduler/scheduler.proto`) that keeps
 * the active brokers, and the KRaft controllers it runs itself, running. It holds the state and the
 * master client, and hands each event to the part that knows it, as mesos/kafka's
 * `src/scala/main/ly/stealth/mesos/kafka/scheduler/mesos/Scheduler.scala` does:
 *
 * - offers → placement/ (OfferPlacer: the quorum as a gang, then all nodes that fit on each offer);
 * - status updates → StatusUpdates (brokers/state-machine.ts decides), then save, ACKNOWLEDGE, REVIVE/SUPPRESS;
 * - SUBSCRIBED → TaskReconciler (explicit reconciliation);
 * - framework messages → ExecutorMessages (metrics reports, replies);
 * - inverse offers → inverse-offers.ts;
 * - the quorum → quorum/ (QuorumKeeper creates it, QuorumChanger changes its voters).
 *
 * docs/scheduler.md tells how an offer becomes a running broker.
 */
export class KafkaScheduler {
  state!: SchedulerState
  private client!: SchedulerClient
  private readonly log: Logger
  private saving: Promise<void> = Promise.resolve()
  /** resolves waiters on every state change (start/stop waits poll this) */
  private readonly listeners = new Set<() => void>()
  /** node id → why its last offer was declined; shown by `broker list` (in memory only) */
  readonly waiting = new Map<number, LastDecline>()
  /** drives `state.quorumChange` (controller add/remove/replace, KIP-853) */
  readonly quorumChanger: QuorumChanger
  private changeTimer?: NodeJS.Timeout
  private readonly quorum: QuorumKeeper
  private readonly placer: OfferPlacer
  private readonly offers: OfferSuppression
  private readonly statuses: StatusUpdates
  private readonly reconciler: TaskReconciler
  private readonly messages: ExecutorMessages

  constructor(readonly options: SchedulerOptions) {
    this.log = options.logger
    const self = this
    // the master client is created in start() (and replaced by a fake in tests): every part calls through it lazily
    const tryCall = (call: MasterCall) => this.client.tryCall(call)
    this.quorum = new QuorumKeeper(options.controller, this.log)
    this.quorumChanger = new QuorumChanger({
      get state() {
        return self.state
      },
      describe: () => this.describeQuorum(),
      save: () => this.save(),
      stop: (node) => this.deactivate([node], false),
      revive: () => this.reviveOrSuppress(true),
      waiting: (id) => this.waiting.get(id)?.reason,
      controllerResources: options.controller,
      log: this.log,
    })
    this.placer = new OfferPlacer({
      get state() {
        return self.state
      },
      waiting: this.waiting,
      settings: options,
      log: this.log,
      tryCall,
      ensureQuorum: () => this.quorum.ensure(this.state),
    })
    this.offers = new OfferSuppression(tryCall, this.log)
    this.statuses = new StatusUpdates({
      nodes: () => this.nodes(),
      tryCall,
      save: () => this.save(),
      kill: (node, force) => this.kill(node, force),
      reviveOrSuppress: (force) => this.reviveOrSuppress(force),
      log: this.log,
    })
    this.reconciler = new TaskReconciler(() => this.nodes(), tryCall, this.log)
    this.messages = new ExecutorMessages(this.log)
  }

  /** Loads state (or starts empty with a fresh KRaft cluster id) and subscribes to the master. @throws StorageError */
  async start(): Promise<void> {
    const stored = await this.options.storage.load()
    this.state = stored ?? {
      kind: 'kafka-mesos-state',
      version: 1,
      clusterId: newClusterId(),
      brokers: [],
      controllers: [],
    }
    this.log.info(
      {
        storage: this.options.storage.description,
        brokers: this.state.brokers.length,
        frameworkId: this.state.frameworkId,
        clusterId: this.state.clusterId,
      },
      stored ? 'state loaded' : 'no stored state; starting empty',
    )
    await this.save()
    this.changeTimer = setInterval(() => {
      if (changeInProgress(this.state.quorumChange)) void this.quorumChanger.tick()
    }, 1000)
    this.changeTimer.unref()
    this.client = new SchedulerClient(
      this.options.master,
      {
        user: this.options.user,
        name: this.options.frameworkName,
        id: this.state.frameworkId ? { value: this.state.frameworkId } : undefined,
        failover_timeout: this.options.frameworkTimeoutSeconds,
        checkpoint: true,
        // A task on an agent the master lost is TASK_UNREACHABLE, not LOST: the broker may still run
        // there, so it is not started twice while the agent may come back (see status-updates.ts).
        capabilities: [{ type: 'PARTITION_AWARE' }],
        role: this.options.frameworkRole,
      },
      {
        subscribed: (id) => this.onSubscribed(id),
        offers: (offers) => this.onOffers(offers ?? []),
        update: (status) => this.onUpdate(status),
        message: (_agentId, executorId, data) => this.onExecutorMessage(executorId, data),
        error: (message) => this.log.error({ message }, 'master refused the framework'),
        disconnected: () => {
          this.placer.disconnected()
          this.log.warn('disconnected from the master; will re-subscribe')
        },
        rescind: (offerId) => this.placer.rescind(offerId),
        inverseOffers: (offers) => this.onInverseOffers(offers),
      },
      this.log,
    )
    this.client.start()
  }

  /** Stops talking to the master; the framework stays registered (its brokers keep running). */
  stop(): void {
    this.reconciler.stop()
    this.statuses.stop()
    if (this.changeTimer) clearInterval(this.changeTimer)
    this.client?.stop()
  }

  get connected(): boolean {
    return this.client?.connected ?? false
  }

  /** All nodes: controllers first, then brokers. */
  nodes(): KafkaNode[] {
    return [...this.state.controllers, ...this.state.brokers]
  }

  /**
   * The nodes of the KRaft quorum: the controllers the scheduler runs and the combined
   * `broker,controller` brokers (joining controllers included; see quorum/voters.ts `voters`).
   */
  voterNodes(): KafkaNode[] {
    return voterNodes(this.state)
  }

  /** Persists state atomically; saves are serialized. */
  save(): Promise<void> {
    const snapshot = structuredClone(this.state)
    this.saving = this.saving
      .then(() => this.options.storage.save(snapshot))
      .catch((e: Error) => {
        this.log.error({ err: e.message }, 'failed to save state')
      })
    this.notify()
    return this.saving
  }

  /** Registers a callback run after every state change; returns its remover. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Resolves true once `done()` holds, false at `deadline` (epoch ms); re-checked on every state
   * change and every 100 ms (framework/state-wait.ts).
   */
  waitUntil(done: () => boolean, deadline: number): Promise<boolean> {
    return waitUntil(this, done, deadline)
  }

  private notify(): void {
    for (const l of [...this.listeners]) l()
  }

  /**
   * Kafka's own view of the quorum (DescribeQuorum v2), asked of the voters' controller listeners
   * first, then of the running brokers (which forward it). @throws Error when no node answers
   */
  describeQuorum(timeoutMs = 3000): Promise<QuorumDescription> {
    return describeRunningQuorum(this.state, 'voters-first', timeoutMs)
  }

  // ---------------------------------------------------------------------- master events, step by step

  /** SUBSCRIBED: record the framework id, offers flow again, reconcile every task, then REVIVE or SUPPRESS. */
  private async onSubscribed(frameworkId: string): Promise<void> {
    await this.recordFrameworkId(frameworkId)
    this.offers.subscribed()
    await this.reconciler.begin()
    await this.reviveOrSuppress(true)
  }

  private async recordFrameworkId(frameworkId: string): Promise<void> {
    if (this.state.frameworkId === frameworkId) return
    this.state.frameworkId = frameworkId
    await this.save()
  }

  /** OFFERS: place what needs a place, save, then REVIVE or SUPPRESS. */
  private async onOffers(offers: Offer[]): Promise<void> {
    await this.placer.place(offers)
    await this.save()
    await this.reviveOrSuppress(false)
  }

  /**
   * Tries every startable node against one offer; launches all that fit in one ACCEPT, else declines
   * (placement/offers.ts).
   */
  handleOffer(offer: Offer): Promise<OfferDecision> {
    return this.placer.handleOffer(offer)
  }

  /** A batch of offers as one OFFERS event brings it: every node that fits, spread over them (placement/offers.ts). */
  handleOffers(offers: Offer[]): Promise<OfferDecision[]> {
    return this.placer.handleOffers(offers)
  }

  /**
   * UPDATE: the task answered reconciliation; apply the status to its node; save; ACKNOWLEDGE; then
   * REVIVE or SUPPRESS (forced when a host may be free: REVIVE drops the refuse filters of earlier
   * declines, so nobody waits out an hour-long filter). A task no node owns is handled and acknowledged only.
   */
  private async onUpdate(status: TaskStatus): Promise<void> {
    this.reconciler.answered(status.task_id.value)
    const reaction = await this.statuses.apply(status)
    if (reaction) await this.save()
    await this.acknowledge(status)
    if (reaction) await this.reviveOrSuppress(freesHost(reaction))
  }

  private async acknowledge(status: TaskStatus): Promise<void> {
    if (status.uuid && status.agent_id)
      await this.client.tryCall({
        type: 'ACKNOWLEDGE',
        acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
      })
  }

  /** INVERSE_OFFERS (maintenance): answered per machine (inverse-offers.ts). */
  private async onInverseOffers(offers: InverseOffer[]): Promise<void> {
    await answerInverseOffers(
      offers,
      [...this.state.brokers, ...this.state.controllers],
      (c) => this.client.tryCall(c),
      this.log,
    )
  }

  /** MESSAGE from an executor: a metrics report, the reply to a request of {@link ask}, else logged and dropped. */
  private onExecutorMessage(executorId: string, data: Buffer): void {
    this.messages.received(executorId, data, this.nodes())
  }

  // ---------------------------------------------------------------------- commands from the REST API

  /**
   * The metrics a node's running task last reported (`timestamp` plus one number per metric), or
   * `{timestamp: 0}` when it has not reported yet; undefined without a task.
   */
  reportedMetrics(node: KafkaNode): Record<string, number> | undefined {
    return this.messages.reportedMetrics(node)
  }

  /**
   * Sends a request to a node's executor (framework MESSAGE) and waits up to `timeoutMs` for its reply.
   * @throws Error when the node has no task or the master refuses the message
   */
  async ask(node: KafkaNode, body: RequestBody, timeoutMs: number): Promise<RequestOutcome> {
    return this.messages.ask(node, body, timeoutMs, (call) => this.client.call(call))
  }

  /**
   * Kills a node's task: KILL (Kafka's controlled shutdown), or with `force` the executor message
   * `stop` (mesos/kafka's `BrokerTaskManager`).
   */
  async kill(node: KafkaNode, force: boolean): Promise<void> {
    if (!node.task) return
    node.task.state = 'stopping'
    await this.client.tryCall(
      force
        ? stopMessage(node.task)
        : { type: 'KILL', kill: { task_id: { value: node.task.id }, agent_id: { value: node.task.slaveId } } },
    )
  }

  /** SUPPRESS when every node is steady, REVIVE when one needs offers (framework/offer-suppression.ts); nothing while not subscribed. */
  async reviveOrSuppress(force: boolean): Promise<void> {
    if (!this.client?.connected) return
    await this.offers.update(this.state, force)
  }

  /** Activates nodes (start): resets failures, creates the quorum if needed, REVIVEs. Nodes with a task are left alone. */
  async activate(nodes: KafkaNode[]): Promise<void> {
    for (const n of nodes) {
      if (n.task) continue
      n.active = true
      n.failover.failures = 0
      n.failover.failureTime = undefined
      n.failover.reason = undefined
    }
    this.quorum.ensure(this.state)
    await this.save()
    this.offers.assumeSuppressed()
    await this.reviveOrSuppress(false)
  }

  /** Deactivates nodes (stop): resets failures, kills running tasks. */
  async deactivate(nodes: KafkaNode[], force: boolean): Promise<void> {
    for (const n of nodes) {
      n.active = false
      n.failover.failures = 0
      n.failover.failureTime = undefined
      n.failover.reason = undefined
      if (n.task) await this.kill(n, force)
    }
    await this.save()
    await this.reviveOrSuppress(false)
  }
}
