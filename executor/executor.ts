/** The executor's task loop: one Kafka node per executor, from LAUNCH to the terminal status update. */

import { networkInterfaces } from 'node:os'
import path from 'node:path'
import {
  decodeRequest,
  decodeTaskData,
  encodeMessage,
  type InterfaceAddress,
  isWildcard,
  type KafkaTaskData,
  parseBindAddress,
  renderLog4jOverrides,
  resolveBindAddress,
  substituteId,
} from '../contract/index.js'
import type { StatusInput } from '../core-cluster/client/index.js'
import type { Id, KillPolicy, TaskInfo, TaskStatus } from '../core-cluster/proto/index.js'
import { kafkaArchiveProblem } from './archive-digest.js'
import { findJolokiaJar, jolokiaJvmArg, readMetrics } from './jolokia.js'
import { findKafkaDir, KafkaProcess } from './kafka-process.js'
import type { ExecutorLogger } from './log.js'
import { answerRequest } from './requests.js'

/**
 * The executor's task loop: one Kafka node per executor.
 *
 * LAUNCH → TASK_STARTING → write server.properties, format once, start the JVM → TASK_RUNNING (data =
 * base64 of `host:port`) once the node accepts requests. Kafka exits by itself → TASK_FAILED
 * "Kafka exited with code N: <last line>". KILL/SHUTDOWN → TASK_KILLING, SIGTERM, SIGKILL after the
 * grace period → TASK_KILLED. Framework message `stop` → SIGKILL → TASK_KILLED. After the terminal
 * update is acknowledged (or {@link TERMINAL_ACK_WAIT_MS}) the executor is done.
 */

/** Default grace between SIGTERM and SIGKILL of the JVM, ms (the agent waits 60 s by default for KILL). */
export const DEFAULT_KILL_GRACE_MS = 60_000
/** How often a running node reports its metrics unasked (as mesos/kafka's `executor/Executor.scala`: at start, then every 60 s), ms. */
export const METRICS_REPORT_MS = 60_000
/** How long to wait for the ACKNOWLEDGED of the terminal update before exiting anyway, ms. */
export const TERMINAL_ACK_WAIT_MS = 5_000

/** What the task loop needs from the v1 executor client (see core-cluster/client/executor-client.ts). */
export interface StatusSink {
  update(input: StatusInput): Promise<TaskStatus>
  waitAcknowledged(uuid: string, timeoutMs: number): Promise<boolean>
  /** Sends a framework MESSAGE to the scheduler (replies to `log`/`metrics` requests). */
  message?(data: Uint8Array): Promise<void>
}

/** Settings of {@link KafkaExecutor}. */
export interface KafkaExecutorOptions {
  client: StatusSink
  /** The task sandbox (`MESOS_SANDBOX`): holds the extracted Kafka distribution; server.properties goes here. */
  sandbox: string
  /** Root for data dirs that survive task restarts (`KM_DATA_DIR`); default: the sandbox. */
  dataRoot?: string
  /** `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD` in ms: the SIGKILL deadline on SHUTDOWN is a bit less than this. */
  shutdownGracePeriodMs: number
  log: ExecutorLogger
  /** Called once when the executor has finished (terminal update sent and acknowledged or timed out); `code` is the exit code to use. */
  onDone(code: number): void
  /** The agent's network interfaces (default `os.networkInterfaces()`; tests). */
  interfaces?: () => Record<string, InterfaceAddress[] | undefined>
  /** Readiness poll interval, ms (default 1000). */
  readyIntervalMs?: number
  /** How often a running node reports its metrics to the scheduler, ms (default {@link METRICS_REPORT_MS}). */
  metricsReportMs?: number
}

type Phase = 'idle' | 'starting' | 'running' | 'killing' | 'done'

/** Runs one Kafka node for one task; see the module doc. */
export class KafkaExecutor {
  private phase: Phase = 'idle'
  private task: TaskInfo | undefined
  private data: KafkaTaskData | undefined
  private kafka: KafkaProcess | undefined
  private readonly readyAbort = new AbortController()
  private finished = false

  constructor(private readonly o: KafkaExecutorOptions) {}

  /** The current Kafka supervisor, once the task has been launched (for tests and diagnostics). */
  get process(): KafkaProcess | undefined {
    return this.kafka
  }

  /** The task's phase. */
  get state(): Phase {
    return this.phase
  }

  /** LAUNCH event. A second task is refused with TASK_FAILED: one executor runs one Kafka node. */
  launch(task: TaskInfo): void {
    if (this.task) {
      this.o.log.error(
        { task: task.task_id.value, running: this.task.task_id.value },
        'refusing a second task: this executor runs one Kafka node',
      )
      void this.o.client.update({
        task_id: task.task_id,
        state: 'TASK_FAILED',
        message: `executor already runs task ${this.task.task_id.value}`,
        reason: 'REASON_TASK_INVALID',
      })
      return
    }
    this.task = task
    this.phase = 'starting'
    void this.runTask(task).catch((e) => this.fail(`executor error: ${(e as Error).message}`, 1))
  }

  /** KILL event for `taskId`, with the scheduler's kill policy (grace period) if any. */
  kill(taskId: Id, killPolicy?: KillPolicy): void {
    if (!this.task || taskId.value !== this.task.task_id.value) {
      this.o.log.warn({ task: taskId.value }, 'KILL for a task this executor does not run; ignoring')
      return
    }
    const graceMs = graceOf(killPolicy) ?? graceOf(this.task.kill_policy) ?? DEFAULT_KILL_GRACE_MS
    this.o.log.info({ task: taskId.value, graceMs }, 'KILL received')
    void this.killTask(graceMs, 'killed on request of the scheduler')
  }

  /** SHUTDOWN event: kill the task, with the grace bounded by the executor's shutdown grace period. */
  shutdown(): void {
    if (!this.task) {
      this.o.log.info({}, 'SHUTDOWN with no task; exiting')
      this.done(0)
      return
    }
    const policy = graceOf(this.task.kill_policy) ?? DEFAULT_KILL_GRACE_MS
    const graceMs = Math.max(1000, Math.min(policy, this.o.shutdownGracePeriodMs - 1000))
    this.o.log.info({ graceMs }, 'SHUTDOWN received')
    void this.killTask(graceMs, 'executor shut down by the agent')
  }

  /**
   * Framework MESSAGE. `stop` = immediate SIGKILL and TASK_KILLED; a `log` or `metrics` request
   * (contract/executor-messages.ts) is answered with a MESSAGE; anything else is logged and ignored.
   */
  message(data: Buffer): void {
    const text = data.toString('utf8').trim()
    if (text === 'stop') {
      this.o.log.warn({}, "framework message 'stop': SIGKILL")
      void this.killTask(0, "stopped by framework message 'stop'")
      return
    }
    const req = decodeRequest(text)
    if (req) {
      const ctx = {
        sandbox: this.o.sandbox,
        logsDir: this.kafka?.logsOutDir ?? path.join(this.o.sandbox, 'kafka-logs-out'),
        jolokiaUrl: this.kafka?.jolokiaUrl,
        hasMetricsAgent: findJolokiaJar(this.o.sandbox) !== undefined,
      }
      void answerRequest(req, ctx)
        .then((reply) => this.o.client.message?.(encodeMessage(reply)))
        .catch((e: Error) =>
          this.o.log.warn(
            { request: req.type, requestId: req.requestId, err: e.message },
            'could not answer a scheduler request',
          ),
        )
      return
    }
    this.o.log.info({ message: text.slice(0, 200) }, 'ignoring framework message')
  }

  /** The agent connection is gone for good: stop Kafka (short grace) and exit non-zero. */
  disconnected(reason: string): void {
    this.o.log.error({ reason }, 'lost the agent; stopping Kafka and exiting')
    void (async () => {
      this.phase = 'killing'
      this.readyAbort.abort()
      await this.kafka?.stop(Math.max(1000, this.o.shutdownGracePeriodMs - 1000))
      this.done(1)
    })()
  }

  /** SIGTERM/SIGINT of the executor process itself: like SHUTDOWN. */
  terminate(signal: string): void {
    this.o.log.warn({ signal }, 'executor received a signal; shutting down')
    if (this.phase === 'killing' || this.phase === 'done') return
    this.shutdown()
  }

  // -------------------------------------------------------------------------------- internals

  private async runTask(task: TaskInfo): Promise<void> {
    const taskId = task.task_id
    await this.o.client.update({ task_id: taskId, state: 'TASK_STARTING', message: 'preparing Kafka' })

    let data: KafkaTaskData
    try {
      data = decodeTaskData(task.data ?? '')
    } catch (e) {
      return this.fail((e as Error).message, 1)
    }
    this.data = data
    // the archive the agent fetched must be the one the scheduler serves (issue 13: a tampered one fails the task)
    const tampered = await kafkaArchiveProblem(data.kafkaArchive, this.o.sandbox)
    if (tampered) return this.fail(tampered, 1)
    const kafkaDir = findKafkaDir(this.o.sandbox)
    if (!kafkaDir)
      return this.fail(
        `no Kafka distribution (kafka_2.13-*/ or kafka*/ with libs/) in the sandbox ${this.o.sandbox}`,
        1,
      )
    let node: ReturnType<typeof nodeSettings>
    try {
      node = nodeSettings(
        data,
        { sandbox: this.o.sandbox, dataRoot: this.o.dataRoot ?? this.o.sandbox },
        this.o.interfaces?.() ?? networkInterfaces(),
      )
    } catch (e) {
      return this.fail((e as Error).message, 1)
    }
    data = node.data
    this.data = data
    const agentJar = findJolokiaJar(this.o.sandbox)
    const javaAgent = agentJar ? jolokiaJvmArg(agentJar, this.o.sandbox) : undefined
    const kafka = new KafkaProcess({
      data,
      kafkaDir,
      workDir: this.o.sandbox,
      dataDir: node.dataDir,
      listenHost: node.listenHost,
      log4jOverrides: node.log4jOverrides,
      log: this.o.log,
      javaAgent,
    })
    this.kafka = kafka
    this.o.log.info(
      {
        task: taskId.value,
        role: data.role,
        nodeId: data.nodeId,
        endpoint: kafka.endpoint,
        kafkaDir,
        logDirs: kafka.logDirs,
      },
      'launching Kafka node',
    )

    try {
      await kafka.prepare()
    } catch (e) {
      return this.fail((e as Error).message, 1)
    }
    if (this.phase !== 'starting') return // killed while formatting; killTask reports TASK_KILLED
    kafka.start()
    void kafka.exited().then((exit) => {
      if (this.phase === 'starting' || this.phase === 'running') {
        this.fail(`Kafka exited with code ${exit.code}: ${kafka.failureReason() ?? 'no output'}`, 1)
      }
    })
    try {
      await kafka.waitReady({ signal: this.readyAbort.signal, intervalMs: this.o.readyIntervalMs ?? 1000 })
    } catch (e) {
      this.o.log.info({ why: (e as Error).message }, 'stopped waiting for readiness')
      return
    }
    if (this.phase !== 'starting') return
    this.phase = 'running'
    await this.o.client.update({
      task_id: taskId,
      state: 'TASK_RUNNING',
      data: kafka.endpoint,
      message: `${data.role} ${data.nodeId} ready at ${kafka.endpoint}`,
    })
    this.startReports()
  }

  /** Sends a metrics report (executor-messages.ts `report`) now and then every `metricsReportMs` while the node runs. */
  private startReports(): void {
    const tick = async () => {
      if (this.phase !== 'running') return clearInterval(timer)
      const url = this.kafka?.jolokiaUrl
      if (!url || !this.o.client.message) return
      try {
        const metrics = await readMetrics(url)
        if (this.phase === 'running') await this.o.client.message(encodeMessage({ type: 'report', metrics }))
      } catch (e) {
        this.o.log.warn({ err: (e as Error).message }, 'could not report metrics')
      }
    }
    const timer = setInterval(() => void tick(), this.o.metricsReportMs ?? METRICS_REPORT_MS)
    timer.unref()
    void tick()
  }

  private async killTask(graceMs: number, why: string): Promise<void> {
    if (!this.task || this.phase === 'killing' || this.phase === 'done') return
    const taskId = this.task.task_id
    this.phase = 'killing'
    this.readyAbort.abort()
    if (graceMs > 0) await this.o.client.update({ task_id: taskId, state: 'TASK_KILLING', message: why })
    const exit = graceMs > 0 ? await this.kafka?.stop(graceMs) : await this.kafka?.kill()
    const how = exit ? ` (Kafka exit code ${exit.code}${exit.signal ? `, ${exit.signal}` : ''})` : ''
    await this.terminal({ task_id: taskId, state: 'TASK_KILLED', message: `${why}${how}` }, 0)
  }

  private fail(message: string, code: number): void {
    if (this.phase === 'killing' || this.phase === 'done' || !this.task) return
    this.o.log.error({ task: this.task.task_id.value, message }, 'task failed')
    this.phase = 'killing'
    this.readyAbort.abort()
    void (async () => {
      await this.kafka?.kill()
      await this.terminal({ task_id: this.task!.task_id, state: 'TASK_FAILED', message }, code)
    })()
  }

  private async terminal(input: StatusInput, code: number): Promise<void> {
    const st = await this.o.client.update(input)
    const acked = await this.o.client.waitAcknowledged(st.uuid as string, TERMINAL_ACK_WAIT_MS)
    this.o.log.info(
      { state: input.state, acked },
      acked
        ? 'terminal update acknowledged; exiting'
        : `terminal update not acknowledged within ${TERMINAL_ACK_WAIT_MS} ms; exiting`,
    )
    this.done(code)
  }

  private done(code: number): void {
    if (this.finished) return
    this.finished = true
    this.phase = 'done'
    this.o.onDone(code)
  }
}

/**
 * Where and how a node runs on this agent, from its task data:
 * - the data dir: `<sandbox>/<volume container path>/kafka-logs` with a persistent volume (the agent
 *   links the volume there, as mesos/kafka's `data/kafka-logs`), else `<dataRoot>/kafka-<role>-<id>`
 *   (`kafka-combined-<id>` for a broker,controller node);
 * - the bind address resolved here (contract/bind-address.ts): Kafka listens on it and it is
 *   advertised (and reported in TASK_RUNNING) instead of the offer's host, unless it is a wildcard;
 * - the log4j2 overrides (contract/log4j.ts) from `log4jOptions` and `syslog`.
 * @throws Error `bindAddress: ...` when the bind address matches no address here; `log4jOptions: ...`
 */
export function nodeSettings(
  data: KafkaTaskData,
  dirs: { sandbox: string; dataRoot: string },
  interfaces: Record<string, InterfaceAddress[] | undefined>,
): { data: KafkaTaskData; dataDir: string; listenHost?: string; log4jOverrides?: string } {
  const dataDir = data.volume
    ? path.join(dirs.sandbox, data.volume.containerPath, 'kafka-logs')
    : path.join(dirs.dataRoot, `kafka-${data.role === 'broker,controller' ? 'combined' : data.role}-${data.nodeId}`)
  let listenHost: string | undefined
  if (data.bindAddress && data.role === 'broker') {
    listenHost = resolveBindAddress(
      parseBindAddress(substituteId(data.bindAddress, data.nodeId)),
      data.host,
      interfaces,
    )
    if (!isWildcard(listenHost)) data = { ...data, host: listenHost }
  }
  const log4jOverrides = renderLog4jOverrides(
    data.log4jOptions,
    data.nodeId,
    data.syslog ? (data.syslogTag ?? `kafka-${data.nodeId}`) : undefined,
  )
  return { data, dataDir, listenHost, log4jOverrides }
}

/** Grace period of a kill policy in ms, or undefined when unset. */
function graceOf(p: KillPolicy | undefined): number | undefined {
  const ns = p?.grace_period?.nanoseconds
  return ns === undefined ? undefined : Math.max(0, Number(ns) / 1e6)
}
