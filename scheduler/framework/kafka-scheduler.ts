import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import type { Logger } from 'pino'
import {
  CONTROLLER_BASE_ID,
  decodeReply,
  decodeReport,
  encodeMessage,
  encodeTaskData,
  type KafkaNode,
  newClusterId,
} from '../../contract/index.js'
import { SchedulerClient } from '../../core-cluster/client/index.js'
import {
  type InverseOffer,
  isTerminal,
  type Offer,
  type TaskInfo,
  type TaskStatus,
} from '../../core-cluster/proto/index.js'
import {
  applyStatus,
  declineSeconds,
  type Fit,
  giveUpUnreachable,
  hasBrokerRole,
  hasControllerRole,
  isFit,
  type LastDecline,
  type Mismatch,
  matchOffer,
  type Placement,
  unreachableGiveUpAt,
} from '../brokers/index.js'
import { dropStaleDynamicConfigs, type QuorumDescription } from '../kafka/index.js'
import { ExecutorRequests, type RequestBody, type RequestOutcome } from '../observe/index.js'
import {
  bootstrapServers,
  brokersWaitFor,
  changeInProgress,
  controllerPlacementConflict,
  describeRunningQuorum,
  initialControllersList,
  newControllers,
  placeGang,
  QuorumChanger,
  quorumPlaced,
  voterNodes,
} from '../quorum/index.js'
import type { SchedulerState, StateStore } from '../storage/index.js'

/** Scheduler settings. */
export interface SchedulerOptions {
  /** `host:port` of the master */
  master: string
  /** base URL of our REST API as agents reach it, e.g. `http://127.0.0.1:7000` (executor and Kafka downloads) */
  api: string
  storage: StateStore
  /** framework name; also the task id prefix (mesos/kafka `--framework-name`, default `kafka`) */
  frameworkName: string
  frameworkRole: string
  /** FrameworkInfo.failover_timeout, seconds (mesos/kafka default 30 days) */
  frameworkTimeoutSeconds: number
  user: string
  /** path of the Kafka archive (`kafka_2.13-<v>.tgz`) served at `/kafka/<name>` */
  kafkaArchive: string
  /** path of the executor bundle served at `/executor/kafka-mesos-executor.cjs` */
  executorBundle: string
  /** node executable the agents use to run the executor */
  nodeCmd: string
  /** path of the Jolokia javaagent jar served at `/agents/<name>` and fetched beside Kafka (`broker metrics`); none: no metrics */
  metricsAgentJar?: string
  /** the KRaft quorum: number of controllers (1, 3 or 5) and each one's resources (cpus, mem MB, heap MB) */
  controller: { count?: number; cpus: number; mem: number; heap: number }
  logger: Logger
}

/** One line of what the scheduler decided for an offer, for logs and tests. */
export interface OfferDecision {
  offerId: string
  hostname: string
  launched?: { nodeId: number; role: string; port: number }
  declined?: { refuseSeconds: number; reasons: string[] }
}

/** How long offers are held for a quorum placement before they are declined (ms). */
export const QUORUM_HOLD_MS = 15_000

/** Node ids in task ids: `<framework>-<id>-<uuid>` (mesos/kafka §3.4), controllers `<framework>-controller-<id>-<uuid>`. */
export function nodeIdFromTaskId(taskId: string): number | undefined {
  const m = /-(\d+)-[0-9a-f-]{36}$/.exec(taskId)
  return m ? Number(m[1]) : undefined
}

/**
 * The broker scheduler: a Mesos framework that keeps the active brokers (and the KRaft controller it
 * runs itself) running. Offer matching, the status state machine, stickiness and failover follow
 * mesos/kafka (reference kafka-mesos.md §3, §6, §8).
 */
export class KafkaScheduler {
  state!: SchedulerState
  private client!: SchedulerClient
  private suppressed = false
  private readonly log: Logger
  private saving: Promise<void> = Promise.resolve()
  /** resolves waiters on every state change (start/stop waits poll this) */
  private readonly listeners = new Set<() => void>()
  /** node id → why its last offer was declined; shown by `broker list` (in memory only) */
  readonly waiting = new Map<number, LastDecline>()
  /** offers held while a new KRaft quorum waits for a host per controller */
  private heldOffers: Offer[] = []
  private holdTimer?: NodeJS.Timeout
  /** requests to executors waiting for their reply (`broker log`, `broker metrics`) */
  readonly requests = new ExecutorRequests()
  /** executor id → the metrics it last reported unasked (in memory only, as mesos/kafka) */
  private readonly reports = new Map<string, Record<string, number>>()
  /** drives `state.quorumChange` (controller add/remove/replace, KIP-853) */
  readonly quorumChanger: QuorumChanger
  private changeTimer?: NodeJS.Timeout

  constructor(readonly options: SchedulerOptions) {
    this.log = options.logger
    const self = this
    this.quorumChanger = new QuorumChanger({
      get state() {
        return self.state
      },
      describe: () => this.describeQuorum(),
      save: () => this.save(),
      stop: (node) => this.deactivate([node], false),
      revive: () => this.reviveOrSuppress(true),
      waiting: (id) => this.waiting.get(id)?.reason,
      controllerResources: this.options.controller,
      log: this.log,
    })
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
        // there, so it is not started twice while the agent may come back (see onUnreachable).
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
          this.heldOffers = [] // offers die with the subscription
          this.log.warn('disconnected from the master; will re-subscribe')
        },
        rescind: (offerId) => {
          this.heldOffers = this.heldOffers.filter((o) => o.id.value !== offerId)
        },
        inverseOffers: (offers) => this.onInverseOffers(offers),
      },
      this.log,
    )
    this.client.start()
  }

  /** Stops talking to the master; the framework stays registered (its brokers keep running). */
  stop(): void {
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer)
    for (const t of this.unreachableTimers.values()) clearTimeout(t)
    this.unreachableTimers.clear()
    if (this.changeTimer) clearInterval(this.changeTimer)
    this.client?.stop()
  }

  /**
   * Task ids asked about and not answered yet. In memory only: a transient "reconciling" state is
   * never persisted (mesos/kafka #306).
   */
  private unreconciled = new Set<string>()
  private reconcileTimer?: NodeJS.Timeout

  /** Explicit RECONCILE of the unanswered tasks; retried after 2 s, doubling to 60 s, until all answer. */
  private async reconcile(attempt: number): Promise<void> {
    const tasks = this.nodes()
      .filter((n) => n.task && this.unreconciled.has(n.task.id))
      .map((n) => ({ task_id: { value: n.task!.id }, agent_id: { value: n.task!.slaveId } }))
    if (tasks.length === 0) {
      this.unreconciled.clear()
      return
    }
    this.log.info(
      { tasks: tasks.length, attempt },
      attempt === 0 ? 'reconciling tasks' : 'reconciling tasks that have not answered yet',
    )
    await this.client.tryCall({ type: 'RECONCILE', reconcile: { tasks } })
    this.reconcileTimer = setTimeout(() => void this.reconcile(attempt + 1), Math.min(2000 * 2 ** attempt, 60_000))
    this.reconcileTimer.unref()
  }

  get connected(): boolean {
    return this.client?.connected ?? false
  }

  /** All nodes: controllers first, then brokers. */
  nodes(): KafkaNode[] {
    return [...this.state.controllers, ...this.state.brokers]
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

  private notify(): void {
    for (const l of [...this.listeners]) l()
  }

  // ---------------------------------------------------------------------- framework callbacks

  private async onSubscribed(frameworkId: string): Promise<void> {
    if (this.state.frameworkId !== frameworkId) {
      this.state.frameworkId = frameworkId
      await this.save()
    }
    this.suppressed = false
    // Ask for the latest state of every task we believe exists (explicit reconciliation, §8.3),
    // again and again until each one has an answer: a master that just took over gives no answer
    // for tasks on agents that have not re-registered yet (Mesos §1.9).
    this.unreconciled = new Set(
      this.nodes()
        .filter((n) => n.task)
        .map((n) => n.task!.id),
    )
    if (this.reconcileTimer) clearTimeout(this.reconcileTimer)
    await this.reconcile(0)
    await this.reviveOrSuppress(true)
  }

  /**
   * Kafka's own view of the quorum (DescribeQuorum v2), asked of the voters' controller listeners
   * first, then of the running brokers (which forward it). @throws Error when no node answers
   */
  describeQuorum(timeoutMs = 3000): Promise<QuorumDescription> {
    return describeRunningQuorum(this.state, 'voters-first', timeoutMs)
  }

  /** `controller.quorum.bootstrap.servers` once brokers may start (see brokersWaitFor), else undefined. */
  private quorum(): string | undefined {
    return brokersWaitFor(this.voterNodes()) ? undefined : bootstrapServers(this.voterNodes())
  }

  /**
   * The nodes of the KRaft quorum: the controllers the scheduler runs and the combined
   * `broker,controller` brokers (joining controllers included; see quorum.ts `voters`).
   */
  voterNodes(): KafkaNode[] {
    return voterNodes(this.state)
  }

  private warnedQuorumSize = false

  /**
   * Creates the KRaft quorum (`controller.count` voters, default 1) the first time any broker is
   * active, and keeps its controllers active. The size of an existing quorum is not changed here.
   */
  private ensureController(): void {
    if (!this.state.brokers.some((b) => b.active)) return
    const combined = this.state.brokers.some((b) => b.role === 'broker,controller')
    if (this.state.controllers.length === 0 && combined) {
      // a quorum of combined broker,controller nodes: no dedicated controllers
    } else if (this.state.controllers.length === 0) {
      const count = this.options.controller.count ?? 1
      this.state.controllers = newControllers(count, this.options.controller)
      this.log.info(
        { controllers: this.state.controllers.map((c) => c.id) },
        `adding a KRaft quorum of ${count} controller${count > 1 ? 's' : ''}`,
      )
    } else if (
      this.options.controller.count &&
      this.options.controller.count !== this.state.controllers.length &&
      !this.warnedQuorumSize
    ) {
      this.warnedQuorumSize = true
      this.log.warn(
        { stored: this.state.controllers.length, asked: this.options.controller.count },
        'the stored quorum size differs from --controllers; keeping the stored quorum (change it with controller add|remove)',
      )
    }
    for (const c of this.state.controllers) {
      if (c.active || c.membership === 'leaving') continue
      c.active = true
      this.log.info({ nodeId: c.id }, 'activating KRaft controller')
    }
  }

  private startable(): KafkaNode[] {
    this.ensureController()
    const quorum = this.quorum()
    // Controllers of a quorum not yet placed start as a gang (placeQuorum), never one by one.
    const voterNodes = this.voterNodes()
    const controllers = quorumPlaced(voterNodes) ? voterNodes.filter((n) => n.active && !n.task) : []
    const brokers = quorum ? this.state.brokers.filter((n) => n.role === 'broker' && n.active && !n.task) : []
    return [...controllers, ...brokers]
  }

  /**
   * Places a new quorum as a gang (issue 7): holds offers until every controller has a host of its
   * own and a port, then launches them all with the same `--initial-controllers` voter set. Held
   * offers are declined after QUORUM_HOLD_MS if no placement appears. Returns the offers left over.
   */
  private async placeQuorum(offers: Offer[]): Promise<Offer[]> {
    this.ensureController()
    const controllers = this.voterNodes()
    if (controllers.length === 0 || quorumPlaced(controllers) || !controllers.every((c) => c.active)) return offers
    const pool = [...this.heldOffers, ...offers]
    this.heldOffers = []
    const placed = placeGang(controllers, pool)
    if (typeof placed === 'string') {
      this.log.info({ reason: placed, offers: pool.length }, 'holding offers for the KRaft quorum')
      for (const c of controllers) this.waiting.set(c.id, { reason: placed, hostname: '', time: Date.now() })
      this.heldOffers = pool
      if (!this.holdTimer) {
        this.holdTimer = setTimeout(() => void this.releaseHeldOffers(), QUORUM_HOLD_MS)
        this.holdTimer.unref()
      }
      return []
    }
    if (this.holdTimer) clearTimeout(this.holdTimer)
    this.holdTimer = undefined
    for (const p of placed) {
      if (p.node.role === 'broker,controller') p.node.controllerPort = p.fit.controllerPort
      else p.node.port = { start: p.fit.port, end: p.fit.port }
      p.node.stickiness.hostname = p.offer.hostname
    }
    this.state.initialControllers = initialControllersList(placed)
    this.log.info({ voters: this.state.initialControllers }, 'KRaft quorum placed: launching every voter')
    for (const p of placed) await this.launch(p.node, p.offer, p.fit)
    const used = new Set(placed.map((p) => p.offer.id.value))
    return pool.filter((o) => !used.has(o.id.value))
  }

  private async releaseHeldOffers(): Promise<void> {
    this.holdTimer = undefined
    const held = this.heldOffers
    this.heldOffers = []
    if (held.length === 0) return
    this.log.info({ offers: held.length }, 'no quorum placement yet: declining held offers briefly')
    await this.client.tryCall({
      type: 'DECLINE',
      decline: { offer_ids: held.map((o) => o.id), filters: { refuse_seconds: 2 } },
    })
  }

  private async onOffers(offers: Offer[]): Promise<void> {
    offers = await this.placeQuorum(offers)
    for (const offer of offers) {
      const decision = await this.handleOffer(offer)
      if (decision.launched)
        this.log.info({ ...decision.launched, host: decision.hostname }, 'accepted offer: launching node')
      else this.log.debug({ host: decision.hostname, ...decision.declined }, 'declined offer')
    }
    await this.save()
    await this.reviveOrSuppress(false)
  }

  /** Tries every startable node against one offer; launches the first that fits, else declines (§8.4). */
  async handleOffer(offer: Offer): Promise<OfferDecision> {
    const reasons: string[] = []
    const waits: number[] = []
    const now = Date.now()
    const quorumWait = brokersWaitFor(this.voterNodes())
    const waitingForController =
      this.state.brokers.some((b) => b.role === 'broker' && b.active && !b.task) && !!quorumWait
    if (waitingForController) {
      for (const b of this.state.brokers)
        if (b.role === 'broker' && b.active && !b.task)
          this.waiting.set(b.id, { reason: quorumWait!, hostname: offer.hostname, time: now })
    }
    for (const node of this.startable()) {
      if (hasControllerRole(node)) {
        const conflict = controllerPlacementConflict(
          node,
          offer,
          this.voterNodes(),
          this.state.quorumChange?.startedAt ?? now,
          now,
        )
        if (conflict) {
          reasons.push(`controller ${node.id}: ${conflict}`)
          waits.push(5)
          this.waiting.set(node.id, { reason: conflict, hostname: offer.hostname, time: now })
          continue
        }
      }
      const m = matchOffer(offer, node, now, hasBrokerRole(node) ? this.placements(node) : [])
      if (isFit(m)) {
        await this.launch(node, offer, m)
        return {
          offerId: offer.id.value,
          hostname: offer.hostname,
          launched: { nodeId: node.id, role: node.role, port: m.port },
        }
      }
      reasons.push(`${node.role} ${node.id}: ${(m as Mismatch).reason}`)
      waits.push((m as Mismatch).retryAfterSeconds)
      this.waiting.set(node.id, { reason: (m as Mismatch).reason, hostname: offer.hostname, time: now })
    }
    if (waitingForController) {
      reasons.push('brokers wait for the KRaft controller to run')
      waits.push(5)
    }
    const refuseSeconds = reasons.length === 0 ? declineSeconds([]) : declineSeconds(waits)
    await this.client.tryCall({
      type: 'DECLINE',
      decline: { offer_ids: [offer.id], filters: { refuse_seconds: refuseSeconds } },
    })
    return {
      offerId: offer.id.value,
      hostname: offer.hostname,
      declined: { refuseSeconds, reasons: reasons.length ? reasons : ['no node needs to start'] },
    }
  }

  /** Where the other brokers' tasks run, in id order: what constraints compare with (§5). */
  private placements(node: KafkaNode): Placement[] {
    return this.state.brokers
      .filter((b) => b !== node && b.task)
      .map((b) => ({ hostname: b.task!.hostname, attributes: b.task!.attributes }))
  }

  /** Launches a node on an offer: records its task (endpoint known at launch, mesos/kafka #310) and ACCEPTs. */
  private async launch(node: KafkaNode, offer: Offer, fit: Fit): Promise<void> {
    const { port, attributes } = fit
    this.waiting.delete(node.id)
    const task = this.taskInfo(node, offer, fit, attributes.rack)
    node.task = {
      id: task.task_id.value,
      slaveId: offer.agent_id.value,
      executorId: task.executor!.executor_id.value,
      hostname: offer.hostname,
      endpoint: `${offer.hostname}:${port}`,
      attributes,
      state: 'pending',
    }
    node.needsRestart = false
    node.restartFields = undefined
    node.launchedOptions = { ...node.options }
    // Overrides set live for the last task would outrank the new server.properties: drop them once it runs.
    if (node.dynamicConfigs && Object.keys(node.dynamicConfigs).length > 0)
      node.staleDynamicConfigs = { ...node.staleDynamicConfigs, ...node.dynamicConfigs }
    node.dynamicConfigs = undefined
    if (hasControllerRole(node) && !node.stickiness.hostname) {
      // a controller added later is pinned where its metadata log is formatted, as the gang's are
      node.stickiness.hostname = offer.hostname
      if (node.role === 'controller') node.port = { start: port, end: port }
      else node.controllerPort = fit.controllerPort
    }
    await this.client.tryCall({
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }],
        filters: { refuse_seconds: 1 },
      },
    })
  }

  /** The TaskInfo of a node: our executor, the Kafka archive, cpus/mem/one port, KRaft task data. */
  private taskInfo(node: KafkaNode, offer: Offer, fit: Fit, rack: string | undefined): TaskInfo {
    const { port, resources } = fit
    const name = this.options.frameworkName
    const prefix = node.role === 'controller' ? `${name}-controller` : name
    const taskId = `${prefix}-${node.id}-${randomUUID()}`
    const isController = node.role === 'controller'
    const brokers = this.state.brokers.length
    const data = encodeTaskData({
      role: node.role,
      nodeId: node.id,
      clusterId: this.state.clusterId,
      host: offer.hostname,
      port,
      controllerPort: node.role === 'broker,controller' ? (fit.controllerPort ?? node.controllerPort) : undefined,
      quorum: hasControllerRole(node) ? bootstrapServers(this.voterNodes()) : this.quorum()!,
      // Only an unformatted data dir is formatted (the executor checks meta.properties).
      format: this.formatMode(node),
      initialControllers: this.formatMode(node) === 'initial-controllers' ? this.state.initialControllers : undefined,
      heapMb: node.heap,
      options: node.options,
      jvmOptions: node.jvmOptions,
      javaCmd: node.javaCmd,
      rack,
      internalTopicRf: Math.max(1, Math.min(3, brokers)),
      bindAddress: isController ? undefined : node.bindAddress,
      syslog: node.syslog ?? false,
      syslogTag: `${name}-${node.id}`,
      log4jOptions: node.log4jOptions ?? {},
      volume: fit.volume,
    })
    const api = this.options.api.replace(/\/$/, '')
    return {
      name: `${prefix}-${node.id}`,
      task_id: { value: taskId },
      agent_id: offer.agent_id,
      resources,
      data,
      kill_policy: { grace_period: { nanoseconds: 60 * 1e9 } },
      executor: {
        type: 'CUSTOM',
        executor_id: { value: taskId },
        framework_id: { value: this.state.frameworkId! },
        name: isController ? `controller-${node.id}` : `broker-${node.id}`,
        command: {
          value: `exec ${this.options.nodeCmd} kafka-mesos-executor.cjs`,
          shell: true,
          uris: [
            { value: `${api}/executor/kafka-mesos-executor.cjs`, extract: false },
            { value: `${api}/kafka/${basename(this.options.kafkaArchive)}`, extract: true, cache: true },
            ...(this.options.metricsAgentJar
              ? [{ value: `${api}/agents/${basename(this.options.metricsAgentJar)}`, extract: false, cache: true }]
              : []),
          ],
          environment: {
            variables: [
              { name: 'MESOS_SYSLOG_TAG', value: `${name}-${node.id}` },
              ...(node.syslog ? [{ name: 'MESOS_SYSLOG', value: 'true' }] : []),
            ],
          },
        },
      },
    }
  }

  /**
   * How a node's storage is formatted if it has none yet: the voters the quorum was formed with get
   * `--initial-controllers` (or `--standalone` for a quorum formed with one), everything else
   * (brokers, controllers added later, KIP-853) `--no-initial-controllers`.
   */
  private formatMode(node: KafkaNode): 'standalone' | 'initial-controllers' | 'no-initial-controllers' {
    if (!hasControllerRole(node) || node.membership === 'joining') return 'no-initial-controllers'
    const initial = this.state.initialControllers?.split(',')
    if (initial)
      return !initial.some((v) => v.startsWith(`${node.id}@`))
        ? 'no-initial-controllers'
        : initial.length === 1
          ? 'standalone'
          : 'initial-controllers'
    return node.id === CONTROLLER_BASE_ID ? 'standalone' : 'no-initial-controllers' // a state from before initialControllers was kept for 1 voter
  }

  private findByTask(taskId: string): KafkaNode | undefined {
    return this.nodes().find((n) => n.task?.id === taskId)
  }

  private async onUpdate(status: TaskStatus): Promise<void> {
    const taskId = status.task_id.value
    this.unreconciled.delete(taskId)
    const node = this.findByTask(taskId)
    const ack = async () => {
      if (status.uuid && status.agent_id)
        await this.client.tryCall({
          type: 'ACKNOWLEDGE',
          acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
        })
    }
    if (!node) {
      await this.onOrphanUpdate(status)
      await ack()
      return
    }
    const before = node.task?.state
    const reaction = applyStatus(node, status)
    if (reaction.kind !== 'unreachable' && this.unreachableTimers.has(taskId)) {
      clearTimeout(this.unreachableTimers.get(taskId))
      this.unreachableTimers.delete(taskId)
    }
    const log = {
      nodeId: node.id,
      role: node.role,
      task: taskId,
      state: status.state,
      reason: status.reason,
      message: status.message,
    }
    switch (reaction.kind) {
      case 'running':
        this.log.info({ ...log, endpoint: node.task?.endpoint }, `${node.role} ${node.id} is running`)
        if (hasControllerRole(node)) await this.client.tryCall({ type: 'REVIVE', revive: {} })
        if (node.staleDynamicConfigs) void this.dropStaleDynamicConfigs(node, taskId)
        break
      case 'stopped':
        this.log.info(log, `${node.role} ${node.id} stopped`)
        break
      case 'lost':
        this.log.warn(
          log,
          `${node.role} ${node.id}: the master does not know its task any more; ${node.active ? 'starting it again' : 'it stays stopped'}`,
        )
        break
      case 'unreachable':
        this.onUnreachable(node)
        break
      case 'failed':
        this.log.warn(
          { ...log, failures: node.failover.failures, deactivated: reaction.deactivated },
          reaction.deactivated
            ? `${node.role} ${node.id} failed: failure limit exceeded, deactivating broker`
            : `${node.role} ${node.id} failed; it will be restarted after the failover delay`,
        )
        break
      case 'kill':
        await this.kill(node, false)
        break
      default:
        if (before !== node.task?.state) this.log.info(log, `${node.role} ${node.id} task ${node.task?.state}`)
    }
    await this.save()
    await ack()
    // A task that ended frees its host (constraints, resources) and may need offers itself: REVIVE
    // drops the refuse filters of earlier declines, so nobody waits out an hour-long filter.
    await this.reviveOrSuppress(reaction.kind === 'failed' || reaction.kind === 'lost' || reaction.kind === 'stopped')
  }

  /**
   * Deletes the dynamic configs set live for a broker's earlier task once its new task runs (see
   * kafka/live-config.ts); retried every 2 s, 5 times, while the same task runs.
   */
  private async dropStaleDynamicConfigs(node: KafkaNode, taskId: string): Promise<void> {
    for (let attempt = 1; attempt <= 5 && node.task?.id === taskId && node.task.state === 'running'; attempt++) {
      const keys = Object.keys(node.staleDynamicConfigs ?? {})
      try {
        await dropStaleDynamicConfigs(node)
        this.log.info(
          { nodeId: node.id, keys },
          'deleted the dynamic configs set live for the earlier task (server.properties has the values now)',
        )
        await this.save()
        return
      } catch (e) {
        this.log.warn(
          { nodeId: node.id, keys, attempt, err: (e as Error).message },
          'could not delete the dynamic configs of the earlier task yet',
        )
        await new Promise((r) => setTimeout(r, 2000))
      }
    }
  }

  /** task id → timer that gives the task up when its agent stays unreachable (in memory; re-armed by reconciliation) */
  private readonly unreachableTimers = new Map<string, NodeJS.Timeout>()

  /**
   * A node's agent is unreachable (TASK_UNREACHABLE): the node keeps its task, is not restarted and
   * counts no failure, until the agent comes back (TASK_RUNNING again) or its stickiness period
   * passes (then giveUpUnreachable: placed again, anywhere; see brokers/state-machine.ts).
   */
  private onUnreachable(node: KafkaNode): void {
    const task = node.task!
    const at = unreachableGiveUpAt(node)!
    if (!this.unreachableTimers.has(task.id)) {
      this.log.warn(
        { nodeId: node.id, role: node.role, task: task.id, host: task.hostname, giveUpAt: new Date(at).toISOString() },
        `${node.role} ${node.id}: its agent is unreachable; waiting for it until its stickiness period ends`,
      )
      const timer = setTimeout(() => void this.expireUnreachable(task.id), Math.max(0, at - Date.now()))
      timer.unref()
      this.unreachableTimers.set(task.id, timer)
    }
  }

  private async expireUnreachable(taskId: string): Promise<void> {
    this.unreachableTimers.delete(taskId)
    const node = this.findByTask(taskId)
    if (!node) return
    const reaction = giveUpUnreachable(node)
    if (reaction.kind === 'none') return
    this.log.warn(
      { nodeId: node.id, role: node.role, task: taskId, reaction: reaction.kind },
      `${node.role} ${node.id}: its agent stayed unreachable for the stickiness period; ${node.active ? 'placing it again' : 'it stays stopped'}`,
    )
    await this.save()
    await this.reviveOrSuppress(true)
  }

  /** An update for a task no node owns (§3.5): re-attach the node's last task if it runs, else kill it. */
  private async onOrphanUpdate(status: TaskStatus): Promise<void> {
    // Nothing to kill for a task that ended, is unknown, or is on an unreachable agent (a KILL would
    // only bring the same answer back); should that agent return, the task's RUNNING update kills it.
    if (isTerminal(status.state) || status.state === 'TASK_UNKNOWN' || status.state === 'TASK_UNREACHABLE') return
    const taskId = status.task_id.value
    const id = nodeIdFromTaskId(taskId)
    const node = id !== undefined ? this.nodes().find((n) => n.id === id && n.lastTaskId === taskId) : undefined
    if (node?.active && !node.task && status.state === 'TASK_RUNNING' && status.agent_id) {
      const data = status.data ? Buffer.from(status.data, 'base64').toString('utf8') : ''
      node.task = {
        id: taskId,
        slaveId: status.agent_id.value,
        executorId: status.executor_id?.value ?? taskId,
        hostname: data.split(':')[0] ?? '',
        endpoint: data,
        attributes: {},
        state: 'running',
      }
      this.log.info({ nodeId: node.id, task: taskId }, 're-attached a running task')
      return
    }
    this.log.warn({ task: taskId, state: status.state }, 'killing a task no node owns')
    await this.client.tryCall({ type: 'KILL', kill: { task_id: status.task_id, agent_id: status.agent_id } })
  }

  /**
   * Inverse offers (Mesos maintenance: a machine is scheduled to go down). A Kafka node's data lives on
   * its host, so the scheduler cannot move it away by itself: it DECLINEs and names the nodes in the
   * log, so that the operator moves (reassigns) or stops them before the window; a machine where no
   * node runs is ACCEPTed. New nodes are not placed on draining machines (see matchOffer).
   */
  private async onInverseOffers(offers: InverseOffer[]): Promise<void> {
    for (const io of offers) {
      const agentId = io.agent_id?.value
      const nodes = [...new Set([...this.state.brokers, ...this.state.controllers])].filter(
        (n) => n.task && n.task.slaveId === agentId,
      )
      const from = new Date(io.unavailability.start.nanoseconds / 1e6).toISOString()
      const type = nodes.length === 0 ? 'ACCEPT_INVERSE_OFFERS' : 'DECLINE_INVERSE_OFFERS'
      if (nodes.length === 0)
        this.log.info(
          { agent: agentId, from },
          'an agent without Kafka nodes is scheduled for maintenance: accepted the inverse offer',
        )
      else
        this.log.warn(
          { agent: agentId, host: nodes[0]!.task!.hostname, from, nodes: nodes.map((n) => `${n.role} ${n.id}`) },
          'a host running Kafka nodes is scheduled for maintenance: declined the inverse offer; move their partitions or stop them before the window',
        )
      const answer = { inverse_offer_ids: [io.id], filters: { refuse_seconds: 300 } }
      await this.client.tryCall(
        type === 'ACCEPT_INVERSE_OFFERS'
          ? { type, accept_inverse_offers: answer }
          : { type, decline_inverse_offers: answer },
      )
    }
  }

  /**
   * The metrics a node's running task last reported (`timestamp` plus one number per metric), or
   * `{timestamp: 0}` when it has not reported yet; undefined without a task (mesos/kafka §2.6).
   */
  reportedMetrics(node: KafkaNode): Record<string, number> | undefined {
    if (!node.task) return undefined
    return this.reports.get(node.task.executorId) ?? { timestamp: 0 }
  }

  /** A framework message from an executor: a metrics report, the reply to a request of {@link ask}, else logged and dropped. */
  private onExecutorMessage(executorId: string, data: Buffer): void {
    const report = decodeReport(data)
    if (report) {
      const current = new Set(this.nodes().map((n) => n.task?.executorId))
      for (const id of this.reports.keys()) if (!current.has(id)) this.reports.delete(id) // tasks that ended
      if (current.has(executorId)) this.reports.set(executorId, report.metrics)
      return
    }
    const reply = decodeReply(data)
    if (!reply || !this.requests.complete(executorId, reply))
      this.log.debug(
        { executor: executorId, bytes: data.length },
        'dropping an executor message that answers no waiting request',
      )
  }

  /**
   * Sends a request to a node's executor (framework MESSAGE) and waits up to `timeoutMs` for its reply.
   * @throws Error when the node has no task or the master refuses the message
   */
  async ask(node: KafkaNode, body: RequestBody, timeoutMs: number): Promise<RequestOutcome> {
    const task = node.task
    if (!task) throw new Error(`${node.role} ${node.id} is not running`)
    return this.requests.ask(task.executorId, body, timeoutMs, async (req) => {
      await this.client.call({
        type: 'MESSAGE',
        message: {
          agent_id: { value: task.slaveId },
          executor_id: { value: task.executorId },
          data: encodeMessage(req).toString('base64'),
        },
      })
    })
  }

  /** Kills a node's task: KILL (controlled shutdown), or with `force` the executor message `stop`. */
  async kill(node: KafkaNode, force: boolean): Promise<void> {
    if (!node.task) return
    node.task.state = 'stopping'
    if (force) {
      await this.client.tryCall({
        type: 'MESSAGE',
        message: {
          agent_id: { value: node.task.slaveId },
          executor_id: { value: node.task.executorId },
          data: Buffer.from('stop').toString('base64'),
        },
      })
    } else {
      await this.client.tryCall({
        type: 'KILL',
        kill: { task_id: { value: node.task.id }, agent_id: { value: node.task.slaveId } },
      })
    }
  }

  /**
   * SUPPRESS when every node is steady (active and running, or inactive without a task); REVIVE when
   * one needs offers (mesos/kafka §8.4).
   */
  async reviveOrSuppress(force: boolean): Promise<void> {
    if (!this.client?.connected) return
    // A node whose agent is unreachable waits (timer), it needs no offers meanwhile.
    const steady =
      this.nodes().every((n) =>
        n.active ? n.task?.state === 'running' || n.task?.state === 'unreachable' : !n.task,
      ) && !(this.state.brokers.some((b) => b.active) && this.voterNodes().length === 0)
    if (steady && (!this.suppressed || force)) {
      if (await this.client.tryCall({ type: 'SUPPRESS', suppress: {} })) this.suppressed = true
      this.log.debug('every node is steady: offers suppressed')
    } else if (!steady && (this.suppressed || force)) {
      if (await this.client.tryCall({ type: 'REVIVE', revive: {} })) this.suppressed = false
      this.log.debug('a node needs offers: revived')
    }
  }

  /** Activates nodes (start): resets failures, REVIVEs. Nodes with a task are left alone. */
  async activate(nodes: KafkaNode[]): Promise<void> {
    for (const n of nodes) {
      if (n.task) continue
      n.active = true
      n.failover.failures = 0
      n.failover.failureTime = undefined
    }
    this.ensureController()
    await this.save()
    this.suppressed = true
    await this.reviveOrSuppress(false)
  }

  /** Deactivates nodes (stop): resets failures, kills running tasks. */
  async deactivate(nodes: KafkaNode[], force: boolean): Promise<void> {
    for (const n of nodes) {
      n.active = false
      n.failover.failures = 0
      n.failover.failureTime = undefined
      if (n.task) await this.kill(n, force)
    }
    await this.save()
    await this.reviveOrSuppress(false)
  }
}
