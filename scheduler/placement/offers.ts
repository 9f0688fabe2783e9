/** The offer handler: offers in, ACCEPT with a LAUNCH or DECLINE out; a new quorum placed as a gang from held offers. */

import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import { type Offer, type scheduler, subtractResources, type TaskInfo } from '../../core-cluster/proto/index.js'
import type { Fit, LastDecline } from '../brokers/index.js'
import { initialControllersList, placeGang, quorumPlaced, voterNodes } from '../quorum/index.js'
import type { SchedulerState } from '../storage/index.js'
import { HeldOffers } from './held-offers.js'
import { recordLaunch } from './launch.js'
import { decideOffer } from './offer-decision.js'
import { startableNodes } from './startable.js'
import { buildTaskInfo, type TaskSettings } from './task-info.js'

/** One node launched on an offer. */
export interface Launched {
  nodeId: number
  role: string
  port: number
}

/** What the scheduler decided for an offer, for logs and tests: the nodes it launched (in one ACCEPT), or why it declined. */
export interface OfferDecision {
  offerId: string
  hostname: string
  /** every node launched on the offer, in the order they were placed; unset when declined */
  launched?: Launched[]
  declined?: { refuseSeconds: number; reasons: string[] }
}

/** What the offer handler needs from the scheduler. */
export interface PlacementContext {
  readonly state: SchedulerState
  /** node id → why its last offer was declined (in memory, for `broker list`) */
  readonly waiting: Map<number, LastDecline>
  readonly settings: TaskSettings
  readonly log: Logger
  /** sends a call to the master; false when it could not be sent */
  tryCall(call: Omit<scheduler.Call, 'framework_id'>): Promise<boolean>
  /** creates the KRaft quorum the first time a broker is active, keeps its controllers active (quorum/keeper.ts) */
  ensureQuorum(): void
}

/**
 * Places nodes on offers, as mesos/kafka's `BrokerLifecycleManager.tryLaunchBrokers`
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/BrokerLifecycleManager.scala`): a batch of
 * offers launches every startable node that fits, spread over the offers round by round, one
 * ACCEPT per offer, and declines the offers that took none. mesos/kafka launched one broker per
 * offer, so 20 brokers on 3 agents took 7 offer cycles (issue 19). A quorum that is
 * not placed yet is placed first, as a gang: offers are held until every voter has a host of its own
 * (issue 7; quorum/gang.ts), then all voters launch with the same `--initial-controllers` voter set.
 */
export class OfferPlacer {
  private readonly held = new HeldOffers()

  constructor(private readonly ctx: PlacementContext) {}

  /** Handles one batch of offers: the gang first, then every node that fits, spread over the remaining offers. */
  async place(offers: Offer[]): Promise<void> {
    const rest = await this.placeQuorum(offers)
    for (const decision of await this.handleOffers(rest)) {
      if (decision.launched)
        this.ctx.log.info(
          { host: decision.hostname, nodes: decision.launched.map((l) => l.nodeId), launched: decision.launched },
          `accepted offer: launching ${decision.launched.length} node${decision.launched.length === 1 ? '' : 's'}`,
        )
      else this.ctx.log.debug({ host: decision.hostname, ...decision.declined }, 'declined offer')
    }
  }

  /** One offer on its own: every startable node that fits in it, in one ACCEPT, or a DECLINE. */
  async handleOffer(offer: Offer): Promise<OfferDecision> {
    const [decision] = await this.handleOffers([offer])
    return decision
  }

  /**
   * Places every startable node that fits on a batch of offers, spread over them: in rounds, each
   * offer still open takes one node that fits what is left of it (offer-decision.ts), until a round
   * places nothing. So 3 brokers and 3 agents' offers give one broker per agent (as mesos/kafka's one
   * broker per offer did), while 20 brokers on 3 agents all launch in this one cycle. Each offer is
   * then ACCEPTed with one LAUNCH of all its tasks (Mesos `Offer.Operation.Launch` takes several), or
   * declined with the reason of its first refusal.
   * @returns one decision per offer, in the order given
   */
  async handleOffers(offers: Offer[]): Promise<OfferDecision[]> {
    const startable = () => {
      this.ctx.ensureQuorum()
      return startableNodes(this.ctx.state)
    }
    const plans = offers.map((offer) => ({
      offer,
      left: offer,
      open: true,
      tasks: [] as TaskInfo[],
      launched: [] as Launched[],
      declined: undefined as OfferDecision['declined'],
    }))
    for (let placed = true; placed; ) {
      placed = false
      for (const plan of plans) {
        if (!plan.open) continue
        const verdict = decideOffer(plan.left, this.ctx.state, this.ctx.waiting, startable)
        if (!('launch' in verdict)) {
          plan.open = false
          if (plan.tasks.length === 0) plan.declined = verdict.decline
          continue
        }
        const { node, fit } = verdict.launch
        plan.tasks.push(this.record(node, plan.left, fit))
        plan.launched.push({ nodeId: node.id, role: node.role, port: fit.port })
        plan.left = { ...plan.left, resources: subtractResources(plan.left.resources ?? [], fit.resources) }
        placed = true
      }
    }
    const decisions: OfferDecision[] = []
    for (const { offer, tasks, launched, declined } of plans) {
      if (tasks.length > 0) {
        await this.accept(offer, tasks)
        decisions.push({ offerId: offer.id.value, hostname: offer.hostname, launched })
        continue
      }
      const decline = declined ?? { refuseSeconds: 1, reasons: [] }
      await this.ctx.tryCall({
        type: 'DECLINE',
        decline: { offer_ids: [offer.id], filters: { refuse_seconds: decline.refuseSeconds } },
      })
      decisions.push({ offerId: offer.id.value, hostname: offer.hostname, declined: decline })
    }
    return decisions
  }

  /** Launches one node on its own offer (a gang's voter): records its task, ACCEPTs with a LAUNCH. */
  private async launch(node: KafkaNode, offer: Offer, fit: Fit): Promise<void> {
    await this.accept(offer, [this.record(node, offer, fit)])
  }

  /** ACCEPTs `offer` with one LAUNCH of `tasks`. */
  private async accept(offer: Offer, tasks: TaskInfo[]): Promise<void> {
    await this.ctx.tryCall({
      type: 'ACCEPT',
      accept: {
        offer_ids: [offer.id],
        operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
        filters: { refuse_seconds: 1 },
      },
    })
  }

  /** The master took an offer back. */
  rescind(offerId: string): void {
    this.held.rescind(offerId)
  }

  /** The subscription ended: held offers die with it. */
  disconnected(): void {
    this.held.drop()
  }

  /**
   * Places a new quorum as a gang: holds offers until every voter has a host of its own and a port,
   * then launches them all with the same `--initial-controllers` voter set (KIP-853). Held offers
   * are declined after QUORUM_HOLD_MS if no placement appears. Returns the offers left over.
   */
  private async placeQuorum(offers: Offer[]): Promise<Offer[]> {
    const { ctx } = this
    ctx.ensureQuorum()
    const controllers = voterNodes(ctx.state)
    if (controllers.length === 0 || quorumPlaced(controllers) || !controllers.every((c) => c.active)) return offers
    const pool = [...this.held.take(), ...offers]
    const placed = placeGang(controllers, pool)
    if (typeof placed === 'string') {
      ctx.log.info({ reason: placed, offers: pool.length }, 'holding offers for the KRaft quorum')
      for (const c of controllers) ctx.waiting.set(c.id, { reason: placed, hostname: '', time: Date.now() })
      this.held.hold(pool, (held) => void this.release(held))
      return []
    }
    this.held.placed()
    for (const p of placed) {
      if (p.node.role === 'broker,controller') p.node.controllerPort = p.fit.controllerPort
      else p.node.port = { start: p.fit.port, end: p.fit.port }
      p.node.stickiness.hostname = p.offer.hostname
    }
    ctx.state.initialControllers = initialControllersList(placed)
    ctx.log.info({ voters: ctx.state.initialControllers }, 'KRaft quorum placed: launching every voter')
    for (const p of placed) await this.launch(p.node, p.offer, p.fit)
    const used = new Set(placed.map((p) => p.offer.id.value))
    return pool.filter((o) => !used.has(o.id.value))
  }

  /** No quorum placement appeared while offers were held: they are declined briefly. */
  private async release(held: Offer[]): Promise<void> {
    if (held.length === 0) return
    this.ctx.log.info({ offers: held.length }, 'no quorum placement yet: declining held offers briefly')
    await this.ctx.tryCall({
      type: 'DECLINE',
      decline: { offer_ids: held.map((o) => o.id), filters: { refuse_seconds: 2 } },
    })
  }

  /** Builds a node's TaskInfo for `offer` (what is left of it) and records the task on the node (no I/O). */
  private record(node: KafkaNode, offer: Offer, fit: Fit): TaskInfo {
    this.ctx.waiting.delete(node.id)
    const task = buildTaskInfo({
      node,
      offer,
      fit,
      state: this.ctx.state,
      settings: this.ctx.settings,
      uuid: randomUUID(),
    })
    recordLaunch(node, offer, fit, task)
    return task
  }
}
