/** A Marathon app definition as the meta-framework accepts it (schema and defaults), its launch back-off, and its task ids. */
import { z } from 'zod'

/**
 * A long-running app definition: the subset of Marathon's app JSON (`/v2/apps`, RAML
 * `docs/docs/rest-api/public/api/v2/types/app.raml` in Marathon's repository) that the meta-framework carries out, with Marathon's
 * defaults: cpus 1, mem 128 MB, instances 1, one port, backoff 1 s × 1.15 up to 300 s.
 */

const healthCheck = z.object({
  /** HTTP (default), TCP or COMMAND, run by the meta-framework (Marathon's framework-side checks) */
  protocol: z.enum(['HTTP', 'TCP', 'COMMAND']).default('HTTP'),
  /** HTTP path, default `/` */
  path: z.string().default('/'),
  /** which of the task's ports to check */
  portIndex: z.number().int().nonnegative().default(0),
  /** COMMAND checks: a shell command run on the meta-framework's host with HOST and PORT0 set; exit 0 = healthy */
  command: z.object({ value: z.string().min(1) }).optional(),
  /** seconds after launch during which failures do not count (Marathon 300) */
  gracePeriodSeconds: z.number().nonnegative().default(300),
  /** seconds between checks (Marathon 60) */
  intervalSeconds: z.number().positive().default(60),
  /** seconds before one check counts as failed (Marathon 20) */
  timeoutSeconds: z.number().positive().default(20),
  /** consecutive failures after which the task is killed and replaced (Marathon 3; 0 = never) */
  maxConsecutiveFailures: z.number().int().nonnegative().default(3),
})
export type HealthCheck = z.infer<typeof healthCheck>

const appIdPattern = /^\/?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\/[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/

/** Marathon app definition (the fields we honour; others are ignored as Marathon ignores unknown ones). */
export const AppSchema = z
  .object({
    /** path id such as `/kafka` or `/group/app`: lowercase letters, digits, dashes */
    id: z
      .string({ error: 'id: required, a path such as /kafka' })
      .regex(appIdPattern, 'id: use lowercase letters, digits and dashes in /-separated parts, such as /kafka')
      .transform((s) => (s.startsWith('/') ? s : `/${s}`)),
    /** shell command, run as `/bin/sh -c cmd` */
    cmd: z.string().min(1).optional(),
    /** argv, run without a shell */
    args: z.array(z.string()).min(1).optional(),
    cpus: z.number().min(0.001, 'cpus: at least 0.001').default(1),
    /** MB */
    mem: z.number().min(1, 'mem: at least 1 MB').default(128),
    instances: z.number().int().nonnegative().default(1),
    env: z.record(z.string(), z.string()).default({}),
    /** URIs fetched into the sandbox (Mesos fetcher) */
    fetch: z
      .array(
        z.object({
          uri: z.string().min(1),
          extract: z.boolean().default(true),
          executable: z.boolean().default(false),
          cache: z.boolean().default(false),
        }),
      )
      .default([]),
    /** Marathon constraints `[field, operator, value?]`: UNIQUE, CLUSTER, LIKE, UNLIKE on hostname or an attribute */
    constraints: z
      .array(
        z
          .tuple([z.string(), z.enum(['UNIQUE', 'CLUSTER', 'LIKE', 'UNLIKE'])])
          .or(z.tuple([z.string(), z.enum(['UNIQUE', 'CLUSTER', 'LIKE', 'UNLIKE']), z.string()])),
      )
      .default([]),
    /** ports taken from the offer; the task sees them as PORT0, PORT1, ... and PORTS */
    portDefinitions: z
      .array(z.object({ port: z.number().int().nonnegative().default(0), name: z.string().optional() }))
      .default([{ port: 0 }]),
    healthChecks: z.array(healthCheck).default([]),
    backoffSeconds: z.number().nonnegative().default(1),
    backoffFactor: z.number().min(1).default(1.15),
    maxLaunchDelaySeconds: z.number().nonnegative().default(300),
    /** seconds between SIGTERM and SIGKILL when a task is killed */
    taskKillGracePeriodSeconds: z.number().nonnegative().optional(),
  })
  .refine((a) => !!a.cmd !== !!a.args, { message: 'cmd or args: give exactly one of them', path: ['cmd'] })
  .refine((a) => a.healthChecks.every((h) => h.protocol !== 'COMMAND' || h.command), {
    message: 'healthChecks: a COMMAND check needs command.value',
    path: ['healthChecks'],
  })
  .refine((a) => a.healthChecks.every((h) => h.protocol === 'COMMAND' || h.portIndex < a.portDefinitions.length), {
    message: 'healthChecks: portIndex points past portDefinitions',
    path: ['healthChecks'],
  })

export type App = z.infer<typeof AppSchema>
export type AppInput = z.input<typeof AppSchema>

/**
 * Launch delay after `failures` consecutive failures: backoffSeconds × backoffFactor^(failures−1),
 * at most maxLaunchDelaySeconds (Marathon). Seconds; 0 with no failures.
 */
export function launchDelaySeconds(
  app: Pick<App, 'backoffSeconds' | 'backoffFactor' | 'maxLaunchDelaySeconds'>,
  failures: number,
): number {
  if (failures <= 0) return 0
  return Math.min(app.backoffSeconds * app.backoffFactor ** (failures - 1), app.maxLaunchDelaySeconds)
}

/** A task id for an app, Marathon style: the path with `/` → `_`, a dot, a UUID. */
export function appTaskId(appId: string, uuid: string): string {
  return `${appId.replace(/^\//, '').replace(/\//g, '_')}.${uuid}`
}

/** The app id of a task id made by {@link appTaskId}. */
export function appIdOfTask(taskId: string): string | undefined {
  const i = taskId.lastIndexOf('.')
  return i > 0 ? `/${taskId.slice(0, i).replace(/_/g, '/')}` : undefined
}
