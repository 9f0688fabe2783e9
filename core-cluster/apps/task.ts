/** A task of an app as the meta-framework tracks it (and stores it), and the TaskInfo that launches one. */
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { Offer, Resource, TaskInfo } from '../proto/index.js'
import { type App, appTaskId } from './app.js'

/** A task's health as the meta-framework's checks see it (Marathon's healthCheckResults entry). */
export interface HealthResult {
  alive: boolean
  consecutiveFailures: number
  lastSuccess?: string
  lastFailure?: string
  lastFailureCause?: string
}

/** One task of an app, as the state file keeps it. */
export const AppTaskSchema = z.object({
  id: z.string(),
  appId: z.string(),
  agentId: z.string(),
  host: z.string(),
  ports: z.array(z.number()),
  attributes: z.record(z.string(), z.string()),
  state: z.string(),
  /** epoch ms */
  stagedAt: z.number(),
  startedAt: z.number().optional(),
  /** we asked for the kill (scale down, delete, restart): not a failure */
  killRequested: z.boolean().optional(),
  /** killed because its health checks failed: counts as a failure (Marathon) */
  healthKill: z.boolean().optional(),
})
export type AppTask = z.infer<typeof AppTaskSchema> & { health?: HealthResult[] }

/**
 * The TaskInfo that launches one instance of `app` on `offer` with `resources` and the offer's
 * `ports`: a command task (`/bin/sh -c cmd`, or `args` as argv) with the app's fetch URIs and
 * Marathon's task environment (`docs/docs/task-environment-vars.md` in Marathon's repository): the
 * app's `env`, then HOST, PORTS, PORT0..n, PORT (the first port), MARATHON_APP_ID, MESOS_TASK_ID.
 * The task id is {@link appTaskId}'s, with a fresh UUID; `taskKillGracePeriodSeconds` becomes its
 * kill policy.
 */
export function appTaskInfo(app: App, offer: Offer, resources: Resource[], ports: number[]): TaskInfo {
  const id = appTaskId(app.id, randomUUID())
  const env: Record<string, string> = {
    ...app.env,
    HOST: offer.hostname,
    PORTS: ports.join(','),
    MARATHON_APP_ID: app.id,
    MESOS_TASK_ID: id,
  }
  for (const [i, p] of ports.entries()) env[`PORT${i}`] = String(p)
  if (ports.length > 0) env.PORT = String(ports[0])
  return {
    name: app.id.replace(/^\//, ''),
    task_id: { value: id },
    agent_id: offer.agent_id,
    resources,
    command: {
      ...(app.cmd ? { shell: true, value: app.cmd } : { shell: false, value: app.args![0], arguments: app.args }),
      uris: app.fetch.map((f) => ({ value: f.uri, extract: f.extract, executable: f.executable, cache: f.cache })),
      environment: { variables: Object.entries(env).map(([name, value]) => ({ name, value })) },
    },
    kill_policy:
      app.taskKillGracePeriodSeconds !== undefined
        ? { grace_period: { nanoseconds: app.taskKillGracePeriodSeconds * 1e9 } }
        : undefined,
  }
}
