/** Readiness probes: when a broker or a KRaft controller accepts Kafka requests. */

import net from 'node:net'
import { Kafka, logLevel } from 'kafkajs'
import type { ExecutorLogger } from './log.js'

/**
 * Readiness probes: "the node accepts Kafka requests".
 * - broker: a kafkajs 2.2.4 admin `describeCluster()` against the broker's own listener succeeds and
 *   lists this node id (a KRaft broker answers Metadata only after catching up with the metadata log,
 *   and lists itself once unfenced);
 * - controller: it printed "Kafka Server started" (Kafka's `KafkaRaftServer.scala`) and its
 *   listener accepts a TCP connection. kafkajs cannot be used: controllers do not serve client APIs
 *   (tulios/kafkajs#1651).
 */

/** Resolves true when a TCP connection to host:port opens within `timeoutMs` (ms). Never rejects. */
export function tcpConnects(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port })
    const done = (ok: boolean) => {
      sock.destroy()
      resolve(ok)
    }
    sock.setTimeout(timeoutMs, () => done(false))
    sock.once('connect', () => done(true))
    sock.once('error', () => done(false))
  })
}

/**
 * One broker probe: connects a kafkajs admin to `host:port` and describes the cluster.
 * @returns the ids of the live brokers the node reports
 * @throws kafkajs errors when the broker does not answer
 */
export async function describeBrokers(host: string, port: number, timeoutMs = 5000): Promise<number[]> {
  const kafka = new Kafka({
    clientId: 'kafka-mesos-readiness',
    brokers: [`${host}:${port}`],
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  })
  const admin = kafka.admin({ retry: { retries: 0 } })
  try {
    await admin.connect()
    const d = await admin.describeCluster()
    return d.brokers.map((b) => b.nodeId)
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

/** Inputs of {@link waitReady}. Times in ms. */
export interface ReadyCheck {
  role: 'broker' | 'controller'
  host: string
  port: number
  nodeId: number
  /** True once the JVM printed "Kafka Server started". */
  serverStarted(): boolean
  /** True once the JVM has exited. */
  exited(): boolean
  /** Overall bound; undefined = wait until ready, exit or abort. */
  timeoutMs?: number
  /** Pause between probes. */
  intervalMs: number
  signal?: AbortSignal
  log: ExecutorLogger
}

/** Polls until the node is ready. @throws Error when the JVM exits, the signal aborts or the timeout passes */
export async function waitReady(c: ReadyCheck): Promise<void> {
  const t0 = Date.now()
  let lastWhy = 'not probed yet'
  let lastLogged = t0
  for (let attempt = 1; ; attempt++) {
    if (c.exited()) throw new Error('Kafka exited before it became ready')
    if (c.signal?.aborted) throw new Error('readiness wait aborted')
    if (c.timeoutMs !== undefined && Date.now() - t0 > c.timeoutMs)
      throw new Error(`Kafka not ready after ${c.timeoutMs} ms: ${lastWhy}`)
    if (c.role === 'controller') {
      if (!c.serverStarted()) lastWhy = 'no "Kafka Server started" line yet'
      else if (!(await tcpConnects(c.host, c.port, 2000))) lastWhy = `no TCP connect to ${c.host}:${c.port}`
      else break
    } else {
      try {
        const ids = await describeBrokers(c.host, c.port)
        if (ids.includes(c.nodeId)) break
        lastWhy = `broker ${c.nodeId} not among the live brokers [${ids.join(',')}] yet`
      } catch (e) {
        lastWhy = `describeCluster failed: ${(e as Error).message}`
      }
    }
    if (Date.now() - lastLogged > 15_000) {
      lastLogged = Date.now()
      c.log.info({ attempt, waitedMs: Date.now() - t0, why: lastWhy }, 'Kafka not ready yet')
    }
    await sleep(c.intervalMs, c.signal)
  }
  c.log.info(
    { role: c.role, nodeId: c.nodeId, endpoint: `${c.host}:${c.port}`, tookMs: Date.now() - t0 },
    'Kafka is ready',
  )
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms)
    function done() {
      clearTimeout(t)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    signal?.addEventListener('abort', done, { once: true })
  })
}
