/** The one-machine cluster of `kafka-mesos local`: a master (or three HA masters with etcd), N agents and the broker scheduler, each its own OS process. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { type EtcdProcess, startEtcd } from './etcd-process.js'
import { ensureLocalAuth, type LocalAuth } from './local-auth.js'
import { PACKAGE_ROOT } from './paths.js'

/** Settings of a one-machine cluster. Ports 0 pick free ports. */
export interface LocalClusterOptions {
  /** folder for agent work dirs, scheduler state and logs */
  workDir: string
  agents: number
  masterPort: number
  apiPort: number
  /** port of every agent on its own address (default 5051; 0 = any) */
  agentPort?: number
  /** agent resources, Mesos syntax */
  resources: string
  kafkaDist?: string
  logLevel?: string
  /**
   * Run the broker scheduler as the app `/kafka` of the meta-framework (`kafka-mesos apps`) instead
   * of as a daemon of its own: a crashed scheduler is then restarted by the meta-framework.
   */
  schedulerUnderApps?: boolean
  /** port of the meta-framework's /v2 API (default 8080; 0 = any) */
  appsPort?: number
  /**
   * High availability: a real etcd, 3 masters elected through it (`--etcd`), agents and the
   * scheduler given all three masters, scheduler state in etcd.
   */
  ha?: boolean
  /** start no broker scheduler (benchmarks of the cluster core alone) */
  noScheduler?: boolean
  /** KRaft quorum size passed to the scheduler (1, 3 or 5) */
  controllers?: number
  /** the scheduler's `--framework-role` (default `*`): it is offered the resources reserved for it, e.g. persistent volumes */
  frameworkRole?: string
  /** failover timeout passed to the scheduler (Period) */
  frameworkTimeout?: string
  /** progress lines for the user */
  progress?: (line: string) => void
}

/** One daemon process of the local cluster. */
export interface Daemon {
  name: string
  child: ChildProcess
  logFile: string
  /** address from the daemon's "started" log line */
  address: string
}

const BIN = join(PACKAGE_ROOT, 'bin', 'run.js')

/** Loopback address of agent `i` (1-based): 127.0.1.i, one "host" per agent. */
export function agentHost(i: number): string {
  return `127.0.1.${i}`
}

/**
 * A whole cluster on one machine, each part its own OS process: one master on 127.0.0.1, N agents
 * on 127.0.1.1..N (attribute rack:r<i>), and the broker scheduler with its REST API.
 * `stop()` ends them in order (scheduler, agents with their executors and Kafka JVMs, master) and
 * then makes sure nothing started under the work dir is left running.
 */
export class LocalCluster {
  readonly daemons: Daemon[] = []
  master = ''
  api = ''
  /** base URL of the meta-framework's /v2 API when the scheduler runs under it */
  apps = ''
  /** etcd client URL in HA mode */
  etcd = ''
  /** the REST API's admin credential (./local-auth.ts), made in start() */
  apiAuth?: LocalAuth
  private etcdProcess?: EtcdProcess
  private readonly logs: WriteStream[] = []

  constructor(readonly options: LocalClusterOptions) {
    this.options = { ...options, workDir: resolve(options.workDir) }
  }

  private say(line: string): void {
    this.options.progress?.(line)
  }

  /**
   * Spawns one daemon and waits for its log line `startedMsg`; returns its address.
   * @throws when it exits first or does not start in `timeoutMs`
   */
  private spawnDaemon(
    name: string,
    args: string[],
    startedMsg: string,
    field: string,
    timeoutMs = 30_000,
  ): Promise<Daemon> {
    const logDir = join(this.options.workDir, 'logs')
    mkdirSync(logDir, { recursive: true })
    const logFile = join(logDir, `${name}.log`)
    const log = createWriteStream(logFile, { flags: 'a' })
    this.logs.push(log)
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KM_LOG_LEVEL: this.options.logLevel ?? process.env.KM_LOG_LEVEL ?? 'info',
    }
    delete env.NODE_ENV // oclif would look for TypeScript sources in development/test mode
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: this.options.workDir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stderr!.pipe(log, { end: false })
    return new Promise((resolvePromise, reject) => {
      let done = false
      const timer = setTimeout(
        () => fail(new Error(`${name} did not start within ${timeoutMs} ms; see ${logFile}`)),
        timeoutMs,
      )
      const fail = (e: Error) => {
        if (done) return
        done = true
        clearTimeout(timer)
        reject(e)
      }
      child.once('exit', (code) => fail(new Error(`${name} exited with code ${code} while starting; see ${logFile}`)))
      const lines = createInterface({ input: child.stdout! })
      lines.on('line', (line) => {
        log.write(`${line}\n`)
        if (done) return
        try {
          const rec = JSON.parse(line) as Record<string, unknown>
          if (rec.msg === startedMsg && typeof rec[field] === 'string') {
            done = true
            clearTimeout(timer)
            const daemon = { name, child, logFile, address: rec[field] as string }
            this.daemons.push(daemon)
            resolvePromise(daemon)
          }
        } catch {
          // not a JSON log line
        }
      })
    })
  }

  /** Starts master, agents and scheduler; resolves once the scheduler's API answers. */
  async start(): Promise<void> {
    const o = this.options
    mkdirSync(o.workDir, { recursive: true })
    this.apiAuth = ensureLocalAuth(o.workDir)
    try {
      if (o.ha) {
        this.etcdProcess = await startEtcd(
          join(this.options.workDir, 'etcd'),
          join(this.options.workDir, 'logs', 'etcd.log'),
        )
        this.etcd = this.etcdProcess.url
        this.say(`etcd       ${this.etcd}`)
        const masters = await Promise.all(
          [1, 2, 3].map((i) =>
            this.spawnDaemon(
              `master-${i}`,
              ['master', '--host', '127.0.0.1', '--port', '0', '--etcd', this.etcd],
              'master started',
              'address',
            ),
          ),
        )
        this.master = masters.map((m) => m.address).join(',')
        this.say(`masters    ${this.master}  (leader elected through etcd)`)
      } else {
        const master = await this.spawnDaemon(
          'master',
          ['master', '--host', '127.0.0.1', '--port', String(o.masterPort)],
          'master started',
          'address',
        )
        this.master = master.address
        this.say(`master     ${this.master}`)
      }
      await Promise.all(
        Array.from({ length: o.agents }, async (_, k) => {
          const i = k + 1
          const _host = agentHost(i)
          const a = await this.spawnDaemon(
            `agent-${i}`,
            this.agentArgs(i, o.agentPort ?? 5051),
            'agent started',
            'address',
          )
          this.say(`agent ${i}    ${a.address}  rack:r${i}  ${o.resources}`)
        }),
      )
      await this.waitForAgents(o.agents, o.ha ? 60_000 : 20_000)
      if (o.noScheduler) {
        // the cluster core alone
      } else if (o.schedulerUnderApps) {
        const apps = await this.spawnDaemon(
          'apps',
          [
            'apps',
            '--master',
            this.master,
            '--host',
            '127.0.0.1',
            '--port',
            String(o.appsPort ?? 8080),
            '--storage',
            `file:${join(o.workDir, 'apps.json')}`,
          ],
          'apps started',
          'url',
        )
        this.apps = apps.address
        this.say(`apps       ${this.apps}  (meta-framework, /v2/apps)`)
        await this.submitSchedulerApp()
        this.api = await this.resolveSchedulerApi(120_000)
        this.say(
          `scheduler  ${this.api}  (app /kafka under the meta-framework; state in ${o.ha ? `etcd ${this.etcd}` : join(o.workDir, 'kafka-mesos.json')})`,
        )
      } else {
        const sched = await this.spawnDaemon(
          'scheduler',
          this.schedulerArgs(`http://127.0.0.1:${o.apiPort}`),
          'scheduler started',
          'api',
        )
        this.api = sched.address
        this.say(
          `scheduler  ${this.api}  (REST API; state in ${o.ha ? `etcd ${this.etcd}` : join(o.workDir, 'kafka-mesos.json')})`,
        )
      }
    } catch (e) {
      await this.stop()
      throw e
    }
  }

  /** Agent `i`'s command line (1-based; its own loopback address, rack r<i>). */
  private agentArgs(i: number, port: number): string[] {
    const o = this.options
    return [
      'agent',
      '--master',
      this.master,
      '--host',
      agentHost(i),
      '--port',
      String(port),
      '--resources',
      o.resources,
      '--attributes',
      `rack:r${i}`,
      '--work-dir',
      join(o.workDir, `agent-${i}`),
    ]
  }

  /**
   * Kills agent `i` (SIGKILL by default, as a crash) and starts it again with the same work dir and
   * address, so it recovers its checkpointed executors.
   */
  async restartAgent(i: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const old = this.daemons.find((d) => d.name === `agent-${i}`)
    if (!old) throw new Error(`no agent ${i}`)
    const port = Number(old.address.split(':')[1])
    // Only the agent process itself: its executors run in process groups of their own.
    const exited = new Promise<void>((r) => old.child.once('exit', () => r()))
    old.child.kill(signal)
    await exited
    this.daemons.splice(this.daemons.indexOf(old), 1)
    await this.spawnDaemon(`agent-${i}`, this.agentArgs(i, port), 'agent started', 'address')
  }

  /** The scheduler's command line (its REST API at `api`). */
  private schedulerArgs(api: string): string[] {
    const o = this.options
    const storage = o.ha ? `etcd:${this.etcd}/kafka-mesos` : `file:${join(o.workDir, 'kafka-mesos.json')}`
    const args = ['scheduler', '--master', this.master, '--api', api, '--storage', storage]
    if (this.apiAuth) args.push('--auth-file', this.apiAuth.authFile)
    if (o.kafkaDist) args.push('--kafka-dist', o.kafkaDist)
    if (o.frameworkTimeout) args.push('--framework-timeout', o.frameworkTimeout)
    if (o.controllers) args.push('--controllers', String(o.controllers))
    if (o.frameworkRole) args.push('--framework-role', o.frameworkRole)
    return args
  }

  /** Creates (or updates) the app `/kafka` that runs the scheduler on an agent, API on the task's PORT0. */
  private async submitSchedulerApp(): Promise<void> {
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`
    const args = this.schedulerArgs('http://$HOST:$PORT0').map((a) => (a.includes('$HOST') ? `"${a}"` : quote(a)))
    const app = {
      id: '/kafka',
      cmd: `exec ${quote(process.execPath)} ${quote(BIN)} ${args.join(' ')}`,
      cpus: 0.2,
      mem: 256,
      portDefinitions: [{ port: 0 }],
      env: { KM_LOG_LEVEL: this.options.logLevel ?? 'info' },
      healthChecks: [
        {
          protocol: 'HTTP',
          path: '/health',
          portIndex: 0,
          gracePeriodSeconds: 60,
          intervalSeconds: 5,
          timeoutSeconds: 5,
          maxConsecutiveFailures: 3,
        },
      ],
      backoffSeconds: 1,
    }
    const res = await fetch(`${this.apps}/v2/apps/kafka`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(app),
    })
    if (!res.ok) throw new Error(`the meta-framework refused the scheduler app: ${res.status} ${await res.text()}`)
  }

  /**
   * Finds the scheduler's REST API through the meta-framework's task list (`GET /v2/apps/kafka/tasks`):
   * the running task's host and first port, once its /health answers.
   * @throws when no running scheduler answers within `timeoutMs`
   */
  async resolveSchedulerApi(timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const body = (await fetch(`${this.apps}/v2/apps/kafka/tasks`)
        .then((r) => r.json())
        .catch(() => undefined)) as { tasks?: Array<{ state: string; host: string; ports: number[] }> } | undefined
      for (const t of body?.tasks ?? []) {
        if (t.state !== 'TASK_RUNNING') continue
        const api = `http://${t.host}:${t.ports[0]}`
        const ok = await fetch(`${api}/health`).then(
          (r) => r.ok,
          () => false,
        )
        if (ok) {
          this.api = api
          return api
        }
      }
      await new Promise((r) => setTimeout(r, 250))
    }
    throw new Error(
      `the scheduler app /kafka did not answer within ${timeoutMs} ms; see ${join(this.options.workDir, 'logs')} and the agent sandboxes`,
    )
  }

  /** The master that leads now (HA), asked from any master's /leader. */
  async leadingMaster(): Promise<string | undefined> {
    for (const m of this.master.split(',')) {
      const body = (await fetch(`http://${m}/leader`)
        .then((r) => r.json())
        .catch(() => undefined)) as { leader?: string | null } | undefined
      if (body?.leader) return body.leader
    }
    return undefined
  }

  private async waitForAgents(n: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const leader = this.options.ha ? await this.leadingMaster() : this.master
      const state = (await fetch(`http://${leader}/state`)
        .then((r) => r.json())
        .catch(() => undefined)) as { agents?: Array<{ active: boolean }> } | undefined
      if ((state?.agents ?? []).filter((a) => a.active).length >= n) return
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error(`only some of the ${n} agents registered with the master within ${timeoutMs} ms`)
  }

  /** Restarts the scheduler process (same storage, framework id and API port). */
  async restartScheduler(kill: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
    const old = this.daemons.find((d) => d.name === 'scheduler')
    if (old) {
      await this.terminate(old, kill, 10_000)
      this.daemons.splice(this.daemons.indexOf(old), 1)
    }
    const port = new URL(this.api).port
    await this.spawnDaemon('scheduler', this.schedulerArgs(`http://127.0.0.1:${port}`), 'scheduler started', 'api')
  }

  private async terminate(d: Daemon, signal: NodeJS.Signals, graceMs: number): Promise<void> {
    if (d.child.exitCode !== null || d.child.signalCode !== null) return
    const exited = new Promise<void>((r) => d.child.once('exit', () => r()))
    try {
      d.child.kill(signal)
    } catch {
      return
    }
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs))
    if ((await Promise.race([exited, timer])) === 'timeout') {
      this.say(`${d.name} did not stop within ${graceMs} ms; killing it`)
      try {
        process.kill(-d.child.pid!, 'SIGKILL')
      } catch {
        d.child.kill('SIGKILL')
      }
      await exited
    }
  }

  /** Processes (pid, command) still running whose command line mentions the work dir. */
  leftovers(): Array<{ pid: number; command: string }> {
    try {
      const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
      return out
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.includes(this.options.workDir) && !l.includes(' ps -eo'))
        .map((l) => ({ pid: Number(l.split(/\s+/)[0]), command: l.replace(/^\d+\s+/, '') }))
        .filter((p) => p.pid !== process.pid)
    } catch {
      return []
    }
  }

  /** Stops everything, in order, and kills anything left under the work dir. */
  async stop(): Promise<void> {
    const byName = (prefix: string) => this.daemons.filter((d) => d.name.startsWith(prefix))
    for (const d of byName('scheduler')) await this.terminate(d, 'SIGTERM', 10_000)
    for (const d of byName('apps')) await this.terminate(d, 'SIGTERM', 10_000)
    this.say('stopping agents (their executors stop the Kafka JVMs)')
    await Promise.all(byName('agent').map((d) => this.terminate(d, 'SIGTERM', 45_000)))
    for (const d of byName('master')) await this.terminate(d, 'SIGTERM', 10_000)
    await this.etcdProcess?.stop()
    const left = this.leftovers()
    for (const p of left) {
      this.say(`killing leftover process ${p.pid}: ${p.command.slice(0, 100)}`)
      try {
        process.kill(p.pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    for (const l of this.logs) l.end()
  }
}
