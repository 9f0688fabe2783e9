/** The Marathon-like meta-framework: keeps each app's instances running on the cluster, replaces failed tasks after a back-off, and keeps its state in a file. */
import type { Logger } from 'pino'
import { SchedulerClient } from '../client/index.js'
import {
  isTerminal,
  type Offer,
  type Resource,
  subtractResources,
  type TaskInfo,
  type TaskStatus,
} from '../proto/index.js'
import { type App, AppSchema, appIdOfTask, launchDelaySeconds } from './app.js'
import { fitInstance, offerAttributes, type TaskPlace, violatedConstraint } from './placement.js'
import { AppsStateFile, type Backoff } from './state.js'
import { type AppTask, appTaskInfo } from './task.js'

/** Settings of the meta-framework. */
export interface AppsOptions {
  /** `host:port` of the master */
  master: string
  /** JSON state file (written atomically) */
  statePath: string
  frameworkName?: string
  /** seconds the master keeps our tasks while we are away (Marathon: one week) */
  failoverTimeoutSeconds?: number
  logger: Logger
}

/** A task that ran this long before it failed resets the app's back-off (ms). */
export const BACKOFF_RESET_AFTER_MS = 30_000

/**
 * The Marathon-like meta-framework: keeps `instances` copies of each app running as command tasks,
 * replaces failed ones after a back-off (backoffSeconds × backoffFactor^n, at most
 * maxLaunchDelaySeconds), kills and replaces tasks whose health checks fail, and keeps its apps and
 * tasks in an atomic state file (./state.ts) so that it survives restarts (Marathon's semantics: `docs/docs/backoff.md`,
 * `docs/docs/health-checks.md` and `docs/docs/task-handling.md` in Marathon's repository).
 */
export class AppsFramework {
  readonly apps = new Map<string, App>()
  readonly tasks = new Map<string, AppTask>()
  private backoff = new Map<string, Backoff>()
  private frameworkId?: string
  private client!: SchedulerClient
  private suppressed = false
  private readonly stateFile: AppsStateFile
  private readonly log: Logger
  private reviveTimer?: NodeJS.Timeout

  constructor(private readonly options: AppsOptions) {
    this.log = options.logger
    this.stateFile = new AppsStateFile(options.statePath, this.log)
  }

  /** Loads state and subscribes. @throws AppsStateError for an unusable state file */
  async start(): Promise<void> {
    await this.load()
    this.client = new SchedulerClient(
      this.options.master,
      {
        user: process.env.USER ?? 'root',
        name: this.options.frameworkName ?? 'apps',
        id: this.frameworkId ? { value: this.frameworkId } : undefined,
        failover_timeout: this.options.failoverTimeoutSeconds ?? 604_800,
        checkpoint: true,
        role: '*',
      },
      {
        subscribed: (id) => this.onSubscribed(id),
        offers: (offers) => this.onOffers(offers ?? []),
        update: (status) => this.onUpdate(status),
        disconnected: () => this.log.warn('disconnected from the master; will re-subscribe'),
      },
      this.log,
    )
    this.client.start()
    // Periodic re-check: delays expire, instances go missing.
    this.reviveTimer = setInterval(() => void this.reviveOrSuppress(false), 1000)
    this.reviveTimer.unref()
  }

  stop(): void {
    if (this.reviveTimer) clearInterval(this.reviveTimer)
    this.client?.stop()
  }

  private async load(): Promise<void> {
    const parsed = await this.stateFile.load()
    if (!parsed) return
    this.frameworkId = parsed.frameworkId
    for (const raw of parsed.apps) {
      const app = AppSchema.parse(raw)
      this.apps.set(app.id, app)
    }
    for (const t of parsed.tasks) this.tasks.set(t.id, t)
    this.backoff = new Map(Object.entries(parsed.backoff))
    this.log.info({ apps: this.apps.size, tasks: this.tasks.size, frameworkId: this.frameworkId }, 'apps state loaded')
  }

  /** Saves apps, tasks and back-off atomically; saves are serialized (see {@link AppsStateFile.save}). */
  save(): Promise<void> {
    return this.stateFile.save({
      frameworkId: this.frameworkId,
      apps: this.apps.values(),
      tasks: this.tasks.values(),
      backoff: this.backoff,
    })
  }

  // ------------------------------------------------------------------------------ app operations

  /** Adds an app. @returns false when the id exists */
  async addApp(app: App): Promise<boolean> {
    if (this.apps.has(app.id)) return false
    this.apps.set(app.id, app)
    this.backoff.delete(app.id)
    this.log.info({ app: app.id, instances: app.instances }, 'app added')
    await this.save()
    await this.reviveOrSuppress(true)
    return true
  }

  /** Replaces an app's definition; extra instances are killed (youngest first), missing ones launched. */
  async updateApp(app: App): Promise<void> {
    this.apps.set(app.id, app)
    this.backoff.delete(app.id)
    await this.scaleDown(app)
    this.log.info({ app: app.id, instances: app.instances }, 'app updated')
    await this.save()
    await this.reviveOrSuppress(true)
  }

  /** Removes an app and kills its tasks. */
  async removeApp(id: string): Promise<boolean> {
    if (!this.apps.delete(id)) return false
    for (const t of this.appTasks(id)) await this.kill(t, 'app removed')
    this.backoff.delete(id)
    await this.save()
    return true
  }

  /** Kills every task of an app; replacements are launched as usual. */
  async restartApp(id: string): Promise<boolean> {
    if (!this.apps.has(id)) return false
    this.backoff.delete(id)
    for (const t of this.appTasks(id)) await this.kill(t, 'app restart')
    await this.save()
    return true
  }

  /** Kills one task; with `scale` the app's instances go down by one, else it is replaced. */
  async killTask(taskId: string, scale = false): Promise<AppTask | undefined> {
    const t = this.tasks.get(taskId)
    if (!t) return undefined
    const app = this.apps.get(t.appId)
    if (scale && app) this.apps.set(app.id, { ...app, instances: Math.max(0, app.instances - 1) })
    await this.kill(t, scale ? 'killed and scaled' : 'killed by request')
    await this.save()
    return t
  }

  appTasks(appId: string): AppTask[] {
    return [...this.tasks.values()].filter((t) => t.appId === appId)
  }

  private async scaleDown(app: App): Promise<void> {
    const live = this.appTasks(app.id)
      .filter((t) => !t.killRequested)
      .sort((a, b) => b.stagedAt - a.stagedAt)
    for (const t of live.slice(0, Math.max(0, live.length - app.instances))) await this.kill(t, 'scale down')
  }

  /** Kills a task. Health kills count as failures (Marathon); other kills do not. */
  async kill(t: AppTask, why: string, health = false): Promise<void> {
    t.killRequested = !health
    t.healthKill = health
    this.log.info({ app: t.appId, task: t.id, why }, 'killing task')
    await this.client.tryCall({ type: 'KILL', kill: { task_id: { value: t.id }, agent_id: { value: t.agentId } } })
  }

  // ------------------------------------------------------------------------------ framework side

  private async onSubscribed(id: string): Promise<void> {
    if (this.frameworkId !== id) {
      this.frameworkId = id
      await this.save()
    }
    const known = [...this.tasks.values()].map((t) => ({ task_id: { value: t.id }, agent_id: { value: t.agentId } }))
    if (known.length > 0) await this.client.tryCall({ type: 'RECONCILE', reconcile: { tasks: known } })
    this.suppressed = false
    await this.reviveOrSuppress(true)
  }

  /** Instances an app still needs, and when it may launch the next one (epoch ms). */
  private need(app: App, now: number): { missing: number; notBefore: number } {
    const live = this.appTasks(app.id).filter((t) => !t.killRequested && !t.healthKill).length
    const b = this.backoff.get(app.id)
    const notBefore = b ? b.last + launchDelaySeconds(app, b.failures) * 1000 : 0
    return { missing: Math.max(0, app.instances - live), notBefore: notBefore > now ? notBefore : 0 }
  }

  private async onOffers(offers: Offer[]): Promise<void> {
    const now = Date.now()
    for (const offer of offers) {
      let available: Resource[] = offer.resources ?? []
      const tasks: TaskInfo[] = []
      const attributes = offerAttributes(offer)
      let wait = 0
      for (const app of this.apps.values()) {
        let { missing, notBefore } = this.need(app, now)
        if (missing > 0 && notBefore) wait = Math.max(wait, Math.ceil((notBefore - now) / 1000))
        while (missing > 0 && !notBefore) {
          const place: TaskPlace = { hostname: offer.hostname, attributes }
          const others = this.appTasks(app.id).map((t) => ({ hostname: t.host, attributes: t.attributes }))
          if (violatedConstraint(app, place, others)) break
          const fit = fitInstance(app, available)
          if (typeof fit === 'string') break
          const task = appTaskInfo(app, offer, fit.resources, fit.ports)
          tasks.push(task)
          this.tasks.set(task.task_id.value, {
            id: task.task_id.value,
            appId: app.id,
            agentId: offer.agent_id.value,
            host: offer.hostname,
            ports: fit.ports,
            attributes,
            state: 'TASK_STAGING',
            stagedAt: now,
          })
          available = subtractResources(available, fit.resources)
          missing--
          this.log.info(
            { app: app.id, task: task.task_id.value, host: offer.hostname, ports: fit.ports },
            'launching app instance',
          )
        }
      }
      if (tasks.length > 0) {
        await this.client.tryCall({
          type: 'ACCEPT',
          accept: {
            offer_ids: [offer.id],
            operations: [{ type: 'LAUNCH', launch: { task_infos: tasks } }],
            filters: { refuse_seconds: 1 },
          },
        })
      } else {
        await this.client.tryCall({
          type: 'DECLINE',
          decline: { offer_ids: [offer.id], filters: { refuse_seconds: wait > 0 ? wait : 5 } },
        })
      }
    }
    await this.save()
    await this.reviveOrSuppress(false)
  }

  private async onUpdate(status: TaskStatus): Promise<void> {
    const t = this.tasks.get(status.task_id.value)
    if (t) {
      t.state = status.state
      if (status.state === 'TASK_RUNNING' && !t.startedAt) {
        t.startedAt = Date.now()
        this.log.info({ app: t.appId, task: t.id, host: t.host, ports: t.ports }, 'app instance running')
      }
      if (isTerminal(status.state)) {
        this.tasks.delete(t.id)
        const app = this.apps.get(t.appId)
        if (app && (!t.killRequested || t.healthKill)) {
          const now = Date.now()
          const ranLong = t.startedAt !== undefined && now - t.startedAt >= BACKOFF_RESET_AFTER_MS
          const prev = ranLong ? 0 : (this.backoff.get(app.id)?.failures ?? 0)
          this.backoff.set(app.id, { failures: prev + 1, last: now })
          this.log.warn(
            {
              app: app.id,
              task: t.id,
              state: status.state,
              message: status.message,
              failures: prev + 1,
              delaySeconds: launchDelaySeconds(app, prev + 1),
            },
            'app instance ended; replacing it after the launch delay',
          )
        } else this.log.info({ app: t.appId, task: t.id, state: status.state }, 'app instance ended')
      }
      await this.save()
    } else if (!isTerminal(status.state)) {
      const appId = appIdOfTask(status.task_id.value)
      this.log.warn({ task: status.task_id.value, app: appId }, 'killing a task no app owns')
      await this.client.tryCall({ type: 'KILL', kill: { task_id: status.task_id, agent_id: status.agent_id } })
    }
    if (status.uuid && status.agent_id)
      await this.client.tryCall({
        type: 'ACKNOWLEDGE',
        acknowledge: { agent_id: status.agent_id, task_id: status.task_id, uuid: status.uuid },
      })
    await this.reviveOrSuppress(false)
  }

  /** REVIVE while an app misses instances and may launch; SUPPRESS when all are satisfied. */
  async reviveOrSuppress(force: boolean): Promise<void> {
    if (!this.client?.connected) return
    const now = Date.now()
    const wants = [...this.apps.values()].some((a) => {
      const n = this.need(a, now)
      return n.missing > 0 && !n.notBefore
    })
    if (wants && (this.suppressed || force)) {
      if (await this.client.tryCall({ type: 'REVIVE', revive: {} })) this.suppressed = false
    } else if (!wants && (!this.suppressed || force)) {
      if (await this.client.tryCall({ type: 'SUPPRESS', suppress: {} })) this.suppressed = true
    }
  }

  /** Marathon's counters for one app. */
  counts(appId: string): { tasksStaged: number; tasksRunning: number; tasksHealthy: number; tasksUnhealthy: number } {
    const tasks = this.appTasks(appId)
    const running = tasks.filter((t) => t.state === 'TASK_RUNNING')
    return {
      tasksStaged: tasks.filter((t) => t.state === 'TASK_STAGING' || t.state === 'TASK_STARTING').length,
      tasksRunning: running.length,
      tasksHealthy: running.filter((t) => t.health && t.health.length > 0 && t.health.every((h) => h.alive)).length,
      tasksUnhealthy: running.filter((t) => t.health?.some((h) => !h.alive)).length,
    }
  }
}
