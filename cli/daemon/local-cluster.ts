import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
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
  /** KRaft quorum size passed to the scheduler (1, 3 or 5) */
  controllers?: number
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
  private spawnDaemon(name: string, args: string[], startedMsg: string, field: string, timeoutMs = 30_000): Promise<Daemon> {
    const logDir = join(this.options.workDir, 'logs')
    mkdirSync(logDir, { recursive: true })
    const logFile = join(logDir, `${name}.log`)
    const log = createWriteStream(logFile, { flags: 'a' })
    this.logs.push(log)
    const env: NodeJS.ProcessEnv = { ...process.env, KM_LOG_LEVEL: this.options.logLevel ?? process.env.KM_LOG_LEVEL ?? 'info' }
    delete env.NODE_ENV // oclif would look for TypeScript sources in development/test mode
    const child = spawn(process.execPath, [BIN, ...args], { cwd: this.options.workDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stderr!.pipe(log, { end: false })
    return new Promise((resolvePromise, reject) => {
      let done = false
      const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs} ms; see ${logFile}`)), timeoutMs)
      const fail = (e: Error) => {
        if (done) return
        done = true
        clearTimeout(timer)
        reject(e)
      }
      child.once('exit', (code) => fail(new Error(`${name} exited with code ${code} while starting; see ${logFile}`)))
      const lines = createInterface({ input: child.stdout! })
      lines.on('line', (line) => {
        log.write(line + '\n')
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
    try {
      const master = await this.spawnDaemon('master', ['master', '--host', '127.0.0.1', '--port', String(o.masterPort)], 'master started', 'address')
      this.master = master.address
      this.say(`master     ${this.master}`)
      await Promise.all(
        Array.from({ length: o.agents }, async (_, k) => {
          const i = k + 1
          const host = agentHost(i)
          const a = await this.spawnDaemon(`agent-${i}`, ['agent', '--master', this.master, '--host', host, '--port', String(o.agentPort ?? 5051), '--resources', o.resources, '--attributes', `rack:r${i}`, '--work-dir', join(o.workDir, `agent-${i}`)], 'agent started', 'address')
          this.say(`agent ${i}    ${a.address}  rack:r${i}  ${o.resources}`)
        }),
      )
      await this.waitForAgents(o.agents)
      const schedArgs = ['scheduler', '--master', this.master, '--api', `http://127.0.0.1:${o.apiPort}`, '--storage', `file:${join(o.workDir, 'kafka-mesos.json')}`]
      if (o.kafkaDist) schedArgs.push('--kafka-dist', o.kafkaDist)
      if (o.frameworkTimeout) schedArgs.push('--framework-timeout', o.frameworkTimeout)
      if (o.controllers) schedArgs.push('--controllers', String(o.controllers))
      const sched = await this.spawnDaemon('scheduler', schedArgs, 'scheduler started', 'api')
      this.api = sched.address
      this.say(`scheduler  ${this.api}  (REST API; state in ${join(o.workDir, 'kafka-mesos.json')})`)
    } catch (e) {
      await this.stop()
      throw e
    }
  }

  private async waitForAgents(n: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const state = (await fetch(`http://${this.master}/state`).then((r) => r.json()).catch(() => undefined)) as { agents?: Array<{ active: boolean }> } | undefined
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
    const args = ['scheduler', '--master', this.master, '--api', `http://127.0.0.1:${port}`, '--storage', `file:${join(this.options.workDir, 'kafka-mesos.json')}`]
    if (this.options.kafkaDist) args.push('--kafka-dist', this.options.kafkaDist)
    if (this.options.controllers) args.push('--controllers', String(this.options.controllers))
    await this.spawnDaemon('scheduler', args, 'scheduler started', 'api')
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
    this.say('stopping agents (their executors stop the Kafka JVMs)')
    await Promise.all(byName('agent').map((d) => this.terminate(d, 'SIGTERM', 45_000)))
    for (const d of byName('master')) await this.terminate(d, 'SIGTERM', 10_000)
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
