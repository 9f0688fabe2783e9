/** The supervisor of one Kafka JVM: server.properties, storage formatting, start, readiness and stop. */

import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Writable } from 'node:stream'
import type { KafkaTaskData } from '../contract/index.js'
import { effectiveLogDirs, renderServerProperties } from '../contract/index.js'
import { KmError } from '../errors/index.js'
import { failureCause, oneLine } from './failure-cause.js'
import { jolokiaUrlFrom } from './jolokia.js'
import type { ExecutorLogger } from './log.js'
import { waitReady } from './readiness.js'

/**
 * Supervisor of one Kafka JVM (broker or KRaft controller): writes `server.properties`, formats the
 * storage once, starts `kafka.Kafka`, detects readiness and stops it (SIGTERM = controlled shutdown,
 * then SIGKILL). Command lines are what Kafka's `bin/kafka-server-start.sh` and
 * `bin/kafka-run-class.sh` run, without the scripts.
 */

/** JVM performance flags of `kafka-run-class.sh` (`KAFKA_JVM_PERFORMANCE_OPTS` there). */
export const KAFKA_JVM_PERFORMANCE_OPTS = [
  '-server',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent',
  '-XX:MaxInlineLevel=15',
  '-Djava.awt.headless=true',
]

/** Heap of the one-shot StorageTool run, MB (Kafka's tools default to 256 MB in `kafka-run-class.sh`). */
const TOOL_HEAP_MB = 256

/**
 * Finds the Kafka distribution in a sandbox: `kafka_2.13-*` first, else any `kafka*` folder with
 * `libs/`. Returns the absolute path, or `undefined` when there is none.
 */
export function findKafkaDir(sandbox: string): string | undefined {
  let names: string[]
  try {
    names = readdirSync(sandbox)
  } catch {
    return undefined
  }
  const isDist = (n: string) => {
    try {
      return statSync(path.join(sandbox, n)).isDirectory() && existsSync(path.join(sandbox, n, 'libs'))
    } catch {
      return false
    }
  }
  const sorted = names.sort().reverse() // newest version first when several are present
  const hit =
    sorted.find((n) => n.startsWith('kafka_2.13-') && isDist(n)) ??
    sorted.find((n) => n.startsWith('kafka') && isDist(n))
  return hit ? path.join(sandbox, hit) : undefined
}

/** Where a node's files go. */
export interface KafkaProcessOptions {
  /** Parsed task data (role, node id, listener, quorum, heap in MB, options). */
  data: KafkaTaskData
  /** Root of the Kafka distribution (has `libs/`, usually `config/`). */
  kafkaDir: string
  /** Folder for `server.properties` and `kafka-logs-out/` (the task sandbox). */
  workDir: string
  /** Data directory used for `log.dirs` unless the user option `log.dirs` is set. */
  dataDir: string
  /** Address to listen on when it is not `data.host` (a resolved bind address; `data.host` is advertised). */
  listenHost?: string
  /** log4j2 properties merged over the distribution's log4j2 config (contract/log4j.ts), written to `log4j2-overrides.properties`. */
  log4jOverrides?: string
  /** Where the JVM's stdout/stderr are appended (default: this process's). */
  stdout?: Writable
  stderr?: Writable
  /** Start the JVM as leader of its own process group (tests; the executor keeps it in its own group so the agent can kill the tree). */
  detached?: boolean
  /** Extra JVM agent argument (`-javaagent:...`, the Jolokia agent for `broker metrics`), put before the classpath. */
  javaAgent?: string
  log: ExecutorLogger
}

/** How the JVM ended. `code` is the exit code, or 128+signal number when killed by a signal. */
export interface KafkaExit {
  code: number
  signal: NodeJS.Signals | null
}

/** Raised when storage formatting or the start fails; `message` says why, with the tool's last output line. */
export class KafkaStartError extends KmError {
  constructor(message: string) {
    super('KM_ERR_KAFKA_START', message)
  }
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }

/** A Java exception header line: `Exception in thread "main" …`, `Caused by: …` or `a.b.FooException: …`. */
const EXCEPTION_LINE = /^(Exception in thread |Caused by: |[\w.$]+(Exception|Error)\b)/

/** Keeps the last lines of a stream and notices marker lines. */
class OutputTail {
  private partial = ''
  readonly lines: string[] = []
  constructor(
    private readonly max: number,
    private readonly onLine: (line: string) => void,
  ) {}
  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n')
    this.partial = parts.pop() ?? ''
    for (const l of parts) this.add(l)
  }
  flush(): void {
    if (this.partial) this.add(this.partial)
    this.partial = ''
  }
  last(): string | undefined {
    return this.lines[this.lines.length - 1]
  }
  /**
   * The most telling line for a failure message: the last ERROR/FATAL log line (timestamp dropped)
   * joined with the exception line right after it; else the last exception line
   * (`Exception in thread …` or `x.y.FooException: …`); else undefined.
   */
  telling(): string | undefined {
    const lines = this.lines
    for (let i = lines.length - 1; i >= 0; i--) {
      if (!/\b(ERROR|FATAL)\b/.test(lines[i])) continue
      const head = lines[i].replace(/^\[[^\]]*\]\s*/, '')
      const next = lines[i + 1]
      return next !== undefined && EXCEPTION_LINE.test(next) ? `${head}: ${next}` : head
    }
    for (let i = lines.length - 1; i >= 0; i--) if (EXCEPTION_LINE.test(lines[i])) return lines[i]
    return undefined
  }
  private add(line: string): void {
    const l = line.replace(/\r$/, '')
    if (!l.trim()) return
    this.lines.push(l)
    if (this.lines.length > this.max) this.lines.shift()
    this.onLine(l)
  }
}

/** One Kafka node's JVM. Create, `prepare()`, `start()`, `waitReady()`, then `stop()` or `kill()`. */
export class KafkaProcess {
  readonly propsPath: string
  readonly logsOutDir: string
  readonly logDirs: string[]
  readonly log4jOverridesPath: string
  private child: ChildProcess | undefined
  private exitPromise: Promise<KafkaExit> | undefined
  private exitInfo: KafkaExit | undefined
  private started = false
  private serverStartedSeen = false
  private jolokia: string | undefined
  private readonly stdoutTail = new OutputTail(200, (l) => this.onLine(l))
  private readonly stderrTail = new OutputTail(200, (l) => this.onLine(l))

  constructor(private readonly opts: KafkaProcessOptions) {
    this.propsPath = path.join(opts.workDir, 'server.properties')
    this.logsOutDir = path.join(opts.workDir, 'kafka-logs-out')
    this.logDirs = effectiveLogDirs(opts.data, opts.dataDir)
    this.log4jOverridesPath = path.join(opts.workDir, 'log4j2-overrides.properties')
  }

  /** `host:port` of this node's listener (TASK_RUNNING data). */
  get endpoint(): string {
    return `${this.opts.data.host}:${this.opts.data.port}`
  }

  /** The JVM's pid once started. */
  get pid(): number | undefined {
    return this.child?.pid
  }

  /** Set once the JVM has exited. */
  get exit(): KafkaExit | undefined {
    return this.exitInfo
  }

  /** True once "Kafka Server started" was printed (Kafka's `core/src/main/scala/kafka/server/KafkaRaftServer.scala`). */
  get serverStarted(): boolean {
    return this.serverStartedSeen
  }

  /** The Jolokia agent's URL, once the JVM printed it (see executor/jolokia.ts). */
  get jolokiaUrl(): string | undefined {
    return this.jolokia
  }

  /**
   * The most telling last output line, for failure messages: the last ERROR/FATAL log line (without
   * its timestamp) joined with the exception line after it, else the last Java exception line, else
   * the last stderr line, else the last stdout line.
   */
  lastLine(): string | undefined {
    return this.stdoutTail.telling() ?? this.stderrTail.telling() ?? this.stderrTail.last() ?? this.stdoutTail.last()
  }

  /**
   * Why the JVM failed, for the TASK_FAILED message: a recognised cause with its fix
   * (failure-cause.ts), else {@link lastLine}.
   */
  failureReason(): string | undefined {
    const cause = failureCause([...this.stdoutTail.lines, ...this.stderrTail.lines])
    const last = this.lastLine()
    return cause ?? (last === undefined ? undefined : oneLine(last))
  }

  /**
   * Writes `server.properties` (over `<kafkaDir>/config/server.properties`), creates the data dirs and
   * formats the storage when a data dir has no `meta.properties` (StorageTool `format --standalone` for
   * `format: standalone`, else `--no-initial-controllers`; with `--ignore-formatted`).
   * @returns whether the storage was formatted now
   * @throws KafkaStartError when formatting fails
   */
  async prepare(): Promise<{ formatted: boolean }> {
    const { data, kafkaDir } = this.opts
    const defaultsPath = path.join(kafkaDir, 'config', 'server.properties')
    const defaults = existsSync(defaultsPath) ? readFileSync(defaultsPath, 'utf8') : ''
    mkdirSync(this.opts.workDir, { recursive: true })
    mkdirSync(this.logsOutDir, { recursive: true })
    writeFileSync(
      this.propsPath,
      renderServerProperties(data, { defaults, logDirs: this.logDirs.join(','), listenHost: this.opts.listenHost }),
    )
    if (this.opts.log4jOverrides) writeFileSync(this.log4jOverridesPath, this.opts.log4jOverrides)
    for (const d of this.logDirs) mkdirSync(d, { recursive: true })
    const unformatted = this.logDirs.filter((d) => !existsSync(path.join(d, 'meta.properties')))
    if (unformatted.length === 0) {
      this.opts.log.info({ logDirs: this.logDirs }, 'storage already formatted; not formatting again')
      return { formatted: false }
    }
    const args = [
      `-Xmx${TOOL_HEAP_MB}m`,
      ...this.logArgs(),
      '-cp',
      this.classpath(),
      'kafka.tools.StorageTool',
      'format',
      '-c',
      this.propsPath,
      `--cluster-id=${data.clusterId}`,
      '--ignore-formatted',
      ...formatModeArgs(data),
    ]
    this.opts.log.info(
      { logDirs: unformatted, clusterId: data.clusterId, mode: data.format },
      'formatting storage (no meta.properties yet)',
    )
    const r = await this.runTool(args)
    if (r.code !== 0)
      throw new KafkaStartError(`kafka-storage format failed with code ${r.code}: ${r.lastLine ?? 'no output'}`)
    return { formatted: true }
  }

  /** The full `java` argument list for `kafka.Kafka` (without the java command itself). */
  jvmArgs(): string[] {
    const { data } = this.opts
    return [
      `-Xmx${data.heapMb}m`,
      `-Xms${data.heapMb}m`,
      ...KAFKA_JVM_PERFORMANCE_OPTS,
      ...data.jvmOptions.split(/\s+/).filter((s) => s.length > 0),
      ...this.logArgs(),
      ...(this.opts.javaAgent ? [this.opts.javaAgent] : []),
      '-cp',
      this.classpath(),
      'kafka.Kafka',
      this.propsPath,
    ]
  }

  /**
   * Starts the JVM; its output is appended to `stdout`/`stderr`. Resolves the {@link exited} promise
   * when it ends. @throws KafkaStartError if called twice
   */
  start(): void {
    if (this.started) throw new KafkaStartError('Kafka was already started')
    this.started = true
    const args = this.jvmArgs()
    this.opts.log.info(
      {
        java: this.opts.data.javaCmd,
        role: this.opts.data.role,
        nodeId: this.opts.data.nodeId,
        endpoint: this.endpoint,
        args: args.join(' '),
      },
      'starting Kafka',
    )
    const child = spawn(this.opts.data.javaCmd, args, {
      cwd: this.opts.workDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: this.opts.detached ?? false,
    })
    this.child = child
    const out = this.opts.stdout ?? process.stdout
    const err = this.opts.stderr ?? process.stderr
    child.stdout?.on('data', (c: Buffer) => {
      out.write(c)
      this.stdoutTail.push(c)
    })
    child.stderr?.on('data', (c: Buffer) => {
      err.write(c)
      this.stderrTail.push(c)
    })
    this.exitPromise = new Promise<KafkaExit>((resolve) => {
      let spawnError: Error | undefined
      child.on('error', (e) => {
        spawnError = e
        this.stderrTail.push(Buffer.from(`cannot run ${this.opts.data.javaCmd}: ${e.message}\n`))
      })
      child.on('close', (code, signal) => {
        this.stdoutTail.flush()
        this.stderrTail.flush()
        const info: KafkaExit = {
          code: code ?? (signal ? 128 + (SIGNAL_NUMBERS[signal] ?? 0) : spawnError ? 127 : 1),
          signal,
        }
        this.exitInfo = info
        this.opts.log.info({ pid: child.pid, ...info }, 'Kafka JVM exited')
        resolve(info)
      })
    })
    this.opts.log.info({ pid: child.pid }, 'Kafka JVM started')
  }

  /** Resolves when the JVM has exited (never resolves if it was not started). */
  exited(): Promise<KafkaExit> {
    return this.exitPromise ?? new Promise(() => {})
  }

  /**
   * Waits until the node accepts Kafka requests (broker: kafkajs describeCluster lists this node;
   * controller: "Kafka Server started" and a TCP connect to the listener), polling every `intervalMs`.
   * @throws Error if the JVM exits first, `signal` aborts, or `timeoutMs` (default: none) passes
   */
  async waitReady(opts: { timeoutMs?: number; intervalMs?: number; signal?: AbortSignal } = {}): Promise<void> {
    if (!this.started) throw new KafkaStartError('Kafka is not started')
    await waitReady({
      role: this.opts.data.role === 'controller' ? 'controller' : 'broker', // a combined node is ready when its broker is
      host: this.opts.data.host,
      port: this.opts.data.port,
      nodeId: this.opts.data.nodeId,
      serverStarted: () => this.serverStartedSeen,
      exited: () => this.exitInfo !== undefined,
      timeoutMs: opts.timeoutMs,
      intervalMs: opts.intervalMs ?? 1000,
      signal: opts.signal,
      log: this.opts.log,
    })
  }

  /**
   * Stops the JVM: SIGTERM (Kafka's shutdown hook does a controlled shutdown), then SIGKILL after
   * `graceMs`. Resolves with the exit; immediately if it already exited or never started.
   */
  async stop(graceMs: number): Promise<KafkaExit | undefined> {
    if (!this.child || this.exitInfo) return this.exitInfo
    this.opts.log.info({ pid: this.child.pid, graceMs }, 'stopping Kafka: SIGTERM (controlled shutdown)')
    this.signal('SIGTERM')
    const timer = setTimeout(() => {
      this.opts.log.warn({ pid: this.child?.pid, graceMs }, 'Kafka did not stop within the grace period: SIGKILL')
      this.signal('SIGKILL')
    }, graceMs)
    try {
      return await this.exited()
    } finally {
      clearTimeout(timer)
    }
  }

  /** SIGKILLs the JVM and waits for it to be gone. */
  async kill(): Promise<KafkaExit | undefined> {
    if (!this.child || this.exitInfo) return this.exitInfo
    this.opts.log.warn({ pid: this.child.pid }, 'killing Kafka: SIGKILL')
    this.signal('SIGKILL')
    return this.exited()
  }

  /** Sends a signal to the JVM (to its process group when detached). Ignores a JVM that is gone. */
  signal(sig: NodeJS.Signals): void {
    const pid = this.child?.pid
    if (pid === undefined || this.exitInfo) return
    try {
      process.kill(this.opts.detached ? -pid : pid, sig)
    } catch {
      // already gone
    }
  }

  private classpath(): string {
    return `${path.join(this.opts.kafkaDir, 'libs')}${path.sep}*`
  }

  private logArgs(): string[] {
    const cfg = path.join(this.opts.kafkaDir, 'config', 'log4j2.yaml')
    // log4j2 merges a comma list of configurations (CompositeConfiguration); the overrides come last and win.
    const files = [...(existsSync(cfg) ? [cfg] : []), ...(this.opts.log4jOverrides ? [this.log4jOverridesPath] : [])]
    return [
      `-Dkafka.logs.dir=${this.logsOutDir}`,
      ...(files.length > 0 ? [`-Dlog4j2.configurationFile=${files.join(',')}`] : []),
    ]
  }

  private onLine(line: string): void {
    if (!this.serverStartedSeen && line.includes('Kafka Server started')) this.serverStartedSeen = true
    if (!this.jolokia && line.startsWith('Jolokia: ')) this.jolokia = jolokiaUrlFrom(line)
  }

  /** Runs a one-shot Java tool, output appended to ours. */
  private runTool(args: string[]): Promise<{ code: number; lastLine?: string }> {
    return new Promise((resolve) => {
      const out = this.opts.stdout ?? process.stdout
      const err = this.opts.stderr ?? process.stderr
      const tail = new OutputTail(200, () => {})
      const child = spawn(this.opts.data.javaCmd, args, { cwd: this.opts.workDir, stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout?.on('data', (c: Buffer) => {
        out.write(c)
        tail.push(c)
      })
      child.stderr?.on('data', (c: Buffer) => {
        err.write(c)
        tail.push(c)
      })
      child.on('error', (e) => tail.push(Buffer.from(`cannot run ${this.opts.data.javaCmd}: ${e.message}\n`)))
      child.on('close', (code) => {
        tail.flush()
        resolve({ code: code ?? 1, lastLine: tail.telling() ?? tail.last() })
      })
    })
  }
}

/**
 * kafka-storage format's quorum flags for a node (Kafka's `StorageTool`; KIP-853 and Kafka docs
 * `docs/operations/kraft.md`): exactly one
 * of `--standalone`, `--initial-controllers <list>` (same list on every initial voter) or
 * `--no-initial-controllers`.
 * @throws KafkaStartError when `initial-controllers` comes without its list
 */
export function formatModeArgs(data: Pick<KafkaTaskData, 'format' | 'initialControllers'>): string[] {
  if (data.format === 'standalone') return ['--standalone']
  if (data.format === 'initial-controllers') {
    if (!data.initialControllers)
      throw new KafkaStartError('task data has format initial-controllers but no initialControllers list')
    return [`--initial-controllers=${data.initialControllers}`]
  }
  return ['--no-initial-controllers']
}
