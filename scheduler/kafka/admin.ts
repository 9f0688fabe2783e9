/** The one kafkajs Admin client of a scheduler, seeded with its running brokers and renewed when they change. */

import { type Admin, Kafka, type logCreator, logLevel } from 'kafkajs'
import type { Logger } from 'pino'
import { KmError } from '../../errors/index.js'

/**
 * One shared kafkajs Admin client for the brokers the scheduler runs: topic, quota and rebalance
 * commands go from the scheduler to Kafka through Kafka's Admin API.
 *
 * Usage: `const admin = await kafkaAdmin(scheduler).get()`; `closeKafkaAdmin(scheduler)` on stop.
 * The client is seeded with the endpoints (`host:port`) of the brokers whose task is `running`,
 * never a KRaft controller (topic and metadata requests are served by brokers; KIP-919 opens the
 * controllers to admin clients for a few requests only). It is
 * created on first use and re-created when the set of running brokers changes, so a client never
 * keeps talking to brokers that were stopped.
 */

/** No broker is running, so there is no Kafka to ask (KM_ERR_NO_BROKERS). The API answers 503. */
export class NoBrokersError extends KmError {
  constructor() {
    super('KM_ERR_NO_BROKERS', 'no broker is running; start brokers first with: broker start <ids>', { status: 503 })
  }
}

/** What the accessor needs from the scheduler: its brokers' tasks. */
export interface BrokerSource {
  state: { brokers: ReadonlyArray<{ task?: { state: string; endpoint: string } | null }> }
}

/** kafkajs log lines go to pino at debug (warn and error stay warn/error), tagged `kafkajs`. */
function pinoLogCreator(log: Logger): logCreator {
  return () =>
    ({ level, log: entry }) => {
      const { message, ...rest } = entry
      const fields = { kafkajs: rest.logger, ...rest }
      if (level === logLevel.ERROR) log.error(fields, `kafkajs: ${message}`)
      else if (level === logLevel.WARN) log.warn(fields, `kafkajs: ${message}`)
      else log.debug(fields, `kafkajs: ${message}`)
    }
}

/** A lazily connected kafkajs Admin for the currently running brokers. */
export class KafkaAdmin {
  private current: { key: string; admin: Admin; ready: Promise<Admin> } | undefined
  private closed = false

  constructor(
    private readonly source: BrokerSource,
    private readonly log: Logger,
  ) {}

  /** `host:port` of every broker whose task is running, sorted. */
  endpoints(): string[] {
    return this.source.state.brokers
      .filter((b) => b.task?.state === 'running' && b.task.endpoint)
      .map((b) => b.task!.endpoint)
      .sort()
  }

  /**
   * A connected Admin. Reuses the current one while the running brokers are the same.
   * @throws NoBrokersError when no broker runs; kafkajs errors when the brokers can't be reached
   */
  async get(): Promise<Admin> {
    if (this.closed) throw new Error('Kafka admin client is closed (the scheduler is stopping)')
    const endpoints = this.endpoints()
    if (endpoints.length === 0) throw new NoBrokersError()
    const key = endpoints.join(',')
    if (this.current?.key === key) return this.current.ready
    const old = this.current
    const admin = new Kafka({
      clientId: 'kafka-mesos-scheduler',
      brokers: endpoints,
      connectionTimeout: 5_000,
      requestTimeout: 30_000,
      retry: { retries: 5, initialRetryTime: 200 },
      logLevel: logLevel.WARN,
      logCreator: pinoLogCreator(this.log),
    }).admin()
    const ready = admin.connect().then(
      () => admin,
      (e: unknown) => {
        if (this.current?.admin === admin) this.current = undefined
        throw e
      },
    )
    this.current = { key, admin, ready }
    this.log.info(
      { brokers: endpoints, replaced: old?.key },
      old ? 'running brokers changed; reconnecting the Kafka admin client' : 'Kafka admin client connecting',
    )
    if (old) void old.admin.disconnect().catch(() => undefined)
    return ready
  }

  /** Disconnects; later {@link get} calls fail. */
  async close(): Promise<void> {
    this.closed = true
    const c = this.current
    this.current = undefined
    if (c) await c.admin.disconnect().catch(() => undefined)
  }
}

const admins = new WeakMap<object, KafkaAdmin>()

/** The one {@link KafkaAdmin} of a scheduler, created on first call. */
export function kafkaAdmin(scheduler: BrokerSource & { options: { logger: Logger } }): KafkaAdmin {
  let a = admins.get(scheduler)
  if (!a) admins.set(scheduler, (a = new KafkaAdmin(scheduler, scheduler.options.logger)))
  return a
}

/** Closes the scheduler's admin client, if one was made. */
export async function closeKafkaAdmin(scheduler: object): Promise<void> {
  await admins.get(scheduler)?.close()
  admins.delete(scheduler)
}
