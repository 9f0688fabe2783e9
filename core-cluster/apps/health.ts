/** The meta-framework's health checks: one HTTP, TCP or COMMAND check against a task, and the checker that kills tasks failing them. */
import { exec } from 'node:child_process'
import { connect } from 'node:net'
import type { Logger } from 'pino'
import type { HealthCheck } from './app.js'
import type { AppsFramework } from './framework.js'
import type { AppTask } from './task.js'

/**
 * Runs one health check against a task, on the task's port `ports[portIndex]`. HTTP: GET
 * `http://host:port/path` answered 200–399; TCP: a connection opens; COMMAND: a shell command exits
 * 0 (with HOST and PORT0.. set). All bounded by timeoutSeconds. Marathon's semantics (Marathon
 * `docs/docs/health-checks.md`, `src/main/scala/mesosphere/marathon/core/health/impl/HealthCheckWorker.scala`).
 * @returns undefined when healthy, else the cause (e.g. `HTTP 503`)
 */
export async function runCheck(check: HealthCheck, task: Pick<AppTask, 'host' | 'ports'>): Promise<string | undefined> {
  const timeoutMs = check.timeoutSeconds * 1000
  const port = task.ports[check.portIndex]
  if (check.protocol === 'HTTP') {
    try {
      const res = await fetch(`http://${task.host}:${port}${check.path}`, { signal: AbortSignal.timeout(timeoutMs) })
      await res.arrayBuffer()
      return res.status >= 200 && res.status < 400 ? undefined : `HTTP ${res.status}`
    } catch (e) {
      return `HTTP check failed: ${(e as Error).message}`
    }
  }
  if (check.protocol === 'TCP') {
    return new Promise((resolve) => {
      const s = connect({ host: task.host, port })
      const timer = setTimeout(() => done('TCP connect timed out'), timeoutMs)
      const done = (cause?: string) => {
        clearTimeout(timer)
        s.destroy()
        resolve(cause)
      }
      s.once('connect', () => done())
      s.once('error', (e) => done(`TCP connect failed: ${e.message}`))
    })
  }
  const env: NodeJS.ProcessEnv = { ...process.env, HOST: task.host }
  for (const [i, p] of task.ports.entries()) env[`PORT${i}`] = String(p)
  return new Promise((resolve) => {
    exec(check.command!.value, { env, timeout: timeoutMs }, (err) =>
      resolve(err ? `command failed: ${err.message.split('\n')[0]}` : undefined),
    )
  })
}

/**
 * Checks the running tasks of every app each second against the checks that are due (every
 * intervalSeconds); a task's `health` holds one result per check. Failures before a task's first
 * success within gracePeriodSeconds of its start do not count; after maxConsecutiveFailures (0 =
 * never) the task is killed as unhealthy, and the framework replaces it (Marathon's health checks,
 * as above).
 */
export class HealthChecker {
  private timer?: NodeJS.Timeout
  private readonly lastRun = new Map<string, number>()
  private readonly inFlight = new Set<string>()

  /** @param framework the apps, their tasks, and how to kill one (`health` = true: killed as unhealthy) */
  constructor(
    private readonly framework: Pick<AppsFramework, 'apps' | 'appTasks' | 'kill'>,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), 1000)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
  }

  private async tick(): Promise<void> {
    const now = Date.now()
    for (const app of this.framework.apps.values()) {
      for (const task of this.framework.appTasks(app.id)) {
        if (task.state !== 'TASK_RUNNING' || task.killRequested || task.healthKill) continue
        task.health ??= app.healthChecks.map(() => ({ alive: false, consecutiveFailures: 0 }))
        app.healthChecks.forEach((check, i) => {
          const key = `${task.id}#${i}`
          if (this.inFlight.has(key) || now - (this.lastRun.get(key) ?? 0) < check.intervalSeconds * 1000) return
          this.lastRun.set(key, now)
          this.inFlight.add(key)
          void runCheck(check, task).then(async (cause) => {
            this.inFlight.delete(key)
            const h = task.health![i]
            const at = new Date().toISOString()
            if (!cause) {
              Object.assign(h, { alive: true, consecutiveFailures: 0, lastSuccess: at })
              return
            }
            const inGrace = (task.startedAt ?? now) + check.gracePeriodSeconds * 1000 > Date.now()
            h.alive = false
            h.lastFailure = at
            h.lastFailureCause = cause
            if (inGrace && !h.lastSuccess) return
            h.consecutiveFailures++
            if (check.maxConsecutiveFailures > 0 && h.consecutiveFailures >= check.maxConsecutiveFailures) {
              this.log.warn(
                { app: app.id, task: task.id, cause, failures: h.consecutiveFailures },
                'health check failed too often: killing the task',
              )
              await this.framework.kill(task, `unhealthy: ${cause}`, true)
            }
          })
        })
      }
    }
  }
}
