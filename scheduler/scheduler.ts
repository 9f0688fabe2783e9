import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import type { Logger } from 'pino'
import { SchedulerClient } from '../core-cluster/client/index.js'
import { isTerminal, type Offer, type TaskInfo, type TaskStatus } from '../core-cluster/proto/index.js'
import {
  applyStatus,
  declineSeconds,
  isFit,
  matchOffer,
  newNode,
  type KafkaNode,
  type LastDecline,
  type Mismatch,
  type Placement,
} from './brokers/index.js'
import { encodeTaskData, newClusterId } from './kafka/task-data.js'
import type { SchedulerState, StateStore } from './storage/index.js'

/** Node ids from this number up are KRaft controllers run by the scheduler; brokers use lower ids. */
export const CONTROLLER_BASE_ID = 1_000_000

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
  /** resources of the KRaft controller task (cpus, mem MB, heap MB) */
  controller: { cpus: number; mem: number; heap: number }
  logger: Logger
}

/** One line of what the scheduler decided for an offer, for logs and tests. */
export interface OfferDecision {
  offerId: string
  hostname: string
  launched?: { nodeId: number; role: string; port: number }
  declined?: { refuseSeconds: number; reasons: string[] }
}

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

  constructor(readonly options: SchedulerOptions) {
    this.log = options.logger
  }

  /** Loads state (or starts empty with a fresh KRaft cluster id) and subscribes to the master. @throws StorageError */
  async start(): Promise<void> {
    const stored = await this.options.storage.load()
    this.state = stored ?? { kind: 'kafka-mesos-state', version: 1, clusterId: newClusterId(), brokers: [], controllers: [] }
    this.log.info({ storage: this.options.storage.description, brokers: this.state.brokers.length, frameworkId: this.state.frameworkId, clusterId: this.state.clusterId }, stored ? 'state loaded' : 'no stored state; starting empty')
    await this.save()
    this.client = new SchedulerClient(
      this.options.master,
      {
        user: this.options.user,
        name: this.options.frameworkName,
        id: this.state.frameworkId ? { value: this.state.frameworkId } : undefined,
        failover_timeout: this.options.frameworkTimeoutSeconds,
        checkpoint: true,
        role: this.options.frameworkRole,
      },
      {
        subscribed: (id) => this.onSubscribed(id),
        offers: (offers) => this.onOffers(offers ?? []),
        update: (status) => this.onUpdate(status),
        error: (message) => this.log.error({ message }, 'master refused the framework'),
        disconnected: () => this.log.warn('disconnected from the master; will re-subscribe'),
      },
      this.log,
    )
    this.client.start()
  }

  /** Stops talking to the master; the framework stays registered (its brokers keep running). */
  stop(): void {
    this.client?.stop()
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
    this.saving = this.saving.then(() => this.options.storage.save(snapshot)).catch((e: Error) => {
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
    // Ask for the latest state of every task we believe exists (explicit reconciliation, §8.3).
    const tasks = this.nodes().filter((n) => n.task).map((n) => ({ task_id: { value: n.task!.id }, agent_id: { value: n.task!.slaveId } }))
    if (tasks.length > 0) {
      this.log.info({ tasks: tasks.length }, 'reconciling tasks')
      await this.client.tryCall({ type: 'RECONCILE', reconcile: { tasks } })
    }
    await this.reviveOrSuppress(true)
  }

  /** True when the quorum has a running controller (brokers may start). */
  private quorum(): string | undefined {
    const running = this.state.controllers.filter((c) => c.task?.state === 'running').map((c) => c.task!.endpoint)
    return running.length > 0 ? running.join(',') : undefined
  }

  /** Keeps exactly one active KRaft controller while any broker is active (walking-skeleton quorum). */
  private ensureController(): void {
    if (!this.state.brokers.some((b) => b.active)) return
    let controller = this.state.controllers[0]
    if (!controller) {
      controller = newNode(CONTROLLER_BASE_ID, 'controller')
      controller.cpus = this.options.controller.cpus
      controller.mem = this.options.controller.mem
      controller.heap = this.options.controller.heap
      this.state.controllers.push(controller)
      this.log.info({ nodeId: controller.id }, 'adding the KRaft controller')
    }
    if (!controller.active) {
      controller.active = true
      this.log.info({ nodeId: controller.id }, 'activating the KRaft controller')
    }
  }

  private startable(): KafkaNode[] {
    this.ensureController()
    const quorum = this.quorum()
    const controllers = this.state.controllers.filter((n) => n.active && !n.task)
    const brokers = quorum ? this.state.brokers.filter((n) => n.active && !n.task) : []
    return [...controllers, ...brokers]
  }

  private async onOffers(offers: Offer[]): Promise<void> {
    for (const offer of offers) {
      const decision = await this.handleOffer(offer)
      if (decision.launched) this.log.info({ ...decision.launched, host: decision.hostname }, 'accepted offer: launching node')
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
    const waitingForController = this.state.brokers.some((b) => b.active && !b.task) && !this.quorum()
    if (waitingForController) {
      for (const b of this.state.brokers) if (b.active && !b.task) this.waiting.set(b.id, { reason: 'waiting for the KRaft controller to run', hostname: offer.hostname, time: now })
    }
    for (const node of this.startable()) {
      const m = matchOffer(offer, node, now, node.role === 'broker' ? this.placements(node) : [])
      if (isFit(m)) {
        this.waiting.delete(node.id)
        const task = this.taskInfo(node, offer, m.port, m.resources, m.attributes.rack)
        node.task = {
          id: task.task_id.value,
          slaveId: offer.agent_id.value,
          executorId: task.executor!.executor_id.value,
          hostname: offer.hostname,
          endpoint: `${offer.hostname}:${m.port}`,
          attributes: m.attributes,
          state: 'pending',
        }
        node.needsRestart = false
        await this.client.tryCall({ type: 'ACCEPT', accept: { offer_ids: [offer.id], operations: [{ type: 'LAUNCH', launch: { task_infos: [task] } }], filters: { refuse_seconds: 1 } } })
        return { offerId: offer.id.value, hostname: offer.hostname, launched: { nodeId: node.id, role: node.role, port: m.port } }
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
    await this.client.tryCall({ type: 'DECLINE', decline: { offer_ids: [offer.id], filters: { refuse_seconds: refuseSeconds } } })
    return { offerId: offer.id.value, hostname: offer.hostname, declined: { refuseSeconds, reasons: reasons.length ? reasons : ['no node needs to start'] } }
  }

  /** Where the other brokers' tasks run, in id order: what constraints compare with (§5). */
  private placements(node: KafkaNode): Placement[] {
    return this.state.brokers.filter((b) => b !== node && b.task).map((b) => ({ hostname: b.task!.hostname, attributes: b.task!.attributes }))
  }

  /** The TaskInfo of a node: our executor, the Kafka archive, cpus/mem/one port, KRaft task data. */
  private taskInfo(node: KafkaNode, offer: Offer, port: number, resources: TaskInfo['resources'], rack: string | undefined): TaskInfo {
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
      quorum: isController ? `${offer.hostname}:${port}` : this.quorum()!,
      format: isController ? 'standalone' : 'no-initial-controllers',
      heapMb: node.heap,
      options: node.options,
      jvmOptions: node.jvmOptions,
      javaCmd: node.javaCmd,
      rack,
      internalTopicRf: Math.max(1, Math.min(3, brokers)),
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
          ],
          environment: { variables: [{ name: 'MESOS_SYSLOG_TAG', value: `${name}-${node.id}` }] },
        },
      },
    }
  }

  private findByTask(taskId: string): KafkaNode | undefined {
    return this.nodes().find((n) => n.task?.id === taskId)
  }

  private async onUpdate(status: TaskStatus): Promise<void> {
    const taskId = status.task_id.value
    const node = this.findByTask(taskId)
    const ack = async () => {
      if (status.uuid && status.agent_id) await this.client.tryCall({ type: 'ACKNOWLEDGE', acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid } })
    }
    if (!node) {
      await this.onOrphanUpdate(status)
      await ack()
      return
    }
    const before = node.task?.state
    const reaction = applyStatus(node, status)
    const log = { nodeId: node.id, role: node.role, task: taskId, state: status.state, reason: status.reason, message: status.message }
    switch (reaction.kind) {
      case 'running':
        this.log.info({ ...log, endpoint: node.task?.endpoint }, `${node.role} ${node.id} is running`)
        if (node.role === 'controller') await this.client.tryCall({ type: 'REVIVE', revive: {} })
        break
      case 'stopped':
        this.log.info(log, `${node.role} ${node.id} stopped`)
        break
      case 'lost':
        this.log.warn(log, `${node.role} ${node.id}: the master does not know its task any more; ${node.active ? 'starting it again' : 'it stays stopped'}`)
        break
      case 'failed':
        this.log.warn({ ...log, failures: node.failover.failures, deactivated: reaction.deactivated }, reaction.deactivated ? `${node.role} ${node.id} failed: failure limit exceeded, deactivating broker` : `${node.role} ${node.id} failed; it will be restarted after the failover delay`)
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

  /** An update for a task no node owns (§3.5): re-attach the node's last task if it runs, else kill it. */
  private async onOrphanUpdate(status: TaskStatus): Promise<void> {
    if (isTerminal(status.state)) return
    const taskId = status.task_id.value
    const id = nodeIdFromTaskId(taskId)
    const node = id !== undefined ? this.nodes().find((n) => n.id === id && n.lastTaskId === taskId) : undefined
    if (node && node.active && !node.task && status.state === 'TASK_RUNNING' && status.agent_id) {
      const data = status.data ? Buffer.from(status.data, 'base64').toString('utf8') : ''
      node.task = { id: taskId, slaveId: status.agent_id.value, executorId: status.executor_id?.value ?? taskId, hostname: data.split(':')[0] ?? '', endpoint: data, attributes: {}, state: 'running' }
      this.log.info({ nodeId: node.id, task: taskId }, 're-attached a running task')
      return
    }
    this.log.warn({ task: taskId, state: status.state }, 'killing a task no node owns')
    await this.client.tryCall({ type: 'KILL', kill: { task_id: status.task_id, agent_id: status.agent_id } })
  }

  /** Kills a node's task: KILL (controlled shutdown), or with `force` the executor message `stop`. */
  async kill(node: KafkaNode, force: boolean): Promise<void> {
    if (!node.task) return
    node.task.state = 'stopping'
    if (force) {
      await this.client.tryCall({ type: 'MESSAGE', message: { agent_id: { value: node.task.slaveId }, executor_id: { value: node.task.executorId }, data: Buffer.from('stop').toString('base64') } })
    } else {
      await this.client.tryCall({ type: 'KILL', kill: { task_id: { value: node.task.id }, agent_id: { value: node.task.slaveId } } })
    }
  }

  /**
   * SUPPRESS when every node is steady (active and running, or inactive without a task); REVIVE when
   * one needs offers (mesos/kafka §8.4).
   */
  async reviveOrSuppress(force: boolean): Promise<void> {
    if (!this.client?.connected) return
    const steady = this.nodes().every((n) => (n.active ? n.task?.state === 'running' : !n.task)) && !this.state.brokers.some((b) => b.active && this.state.controllers.length === 0)
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
