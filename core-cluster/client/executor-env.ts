/** The executor's view of its environment: the MESOS_* variables an agent sets, read and checked, with Mesos durations parsed. */
import { KmError } from '../../errors/index.js'

/** Executor settings from the environment the agent sets (Mesos `docs/executor-http-api.md`, "Executor Environment Variables"). */
export interface ExecutorEnv {
  /** `MESOS_AGENT_ENDPOINT`: agent `ip:port` of the executor API. */
  agentEndpoint: string
  /** `MESOS_FRAMEWORK_ID`. */
  frameworkId: string
  /** `MESOS_EXECUTOR_ID`. */
  executorId: string
  /** `MESOS_SANDBOX`, else `MESOS_DIRECTORY`, else the working directory. */
  sandbox: string
  /** `MESOS_CHECKPOINT === '1'`: re-subscribe after a disconnection instead of exiting. */
  checkpoint: boolean
  /** `MESOS_SUBSCRIPTION_BACKOFF_MAX` in ms (default 2000): longest wait between SUBSCRIBE attempts. */
  subscriptionBackoffMaxMs: number
  /** `MESOS_RECOVERY_TIMEOUT` in ms (default 15 min): how long to keep trying to re-subscribe. */
  recoveryTimeoutMs: number
  /** `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD` in ms (default 5000). */
  shutdownGracePeriodMs: number
  /** `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`, sent as `Authorization: Bearer <token>` when set. */
  authToken?: string
}

/** Raised when a required `MESOS_*` variable is missing or malformed. Code `KM_ERR_EXECUTOR_ENV`. */
export class ExecutorEnvError extends KmError {
  constructor(message: string) {
    super('KM_ERR_EXECUTOR_ENV', message)
  }
}

const DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  ms: 1,
  secs: 1000,
  mins: 60_000,
  hrs: 3_600_000,
  days: 86_400_000,
  weeks: 604_800_000,
}

/**
 * Parses a Mesos duration string (`5secs`, `15mins`, `100ms`, `1.5hrs`, units ns|us|ms|secs|mins|hrs|days|weeks)
 * into milliseconds. A bare number is taken as seconds. @throws ExecutorEnvError
 */
export function parseMesosDuration(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ns|us|ms|secs|mins|hrs|days|weeks)?\s*$/.exec(text)
  if (!m) throw new ExecutorEnvError(`not a Mesos duration: '${text}'`)
  return Number(m[1]) * (m[2] ? DURATION_UNITS[m[2]] : 1000)
}

/**
 * Reads the executor environment. @throws ExecutorEnvError when `MESOS_AGENT_ENDPOINT`,
 * `MESOS_FRAMEWORK_ID` or `MESOS_EXECUTOR_ID` is missing, or a duration is malformed
 */
export function executorEnvFrom(env: NodeJS.ProcessEnv = process.env): ExecutorEnv {
  const need = (name: string): string => {
    const v = env[name]
    if (!v) throw new ExecutorEnvError(`${name} is not set; is this process started by an agent?`)
    return v
  }
  const duration = (name: string, dflt: number): number => (env[name] ? parseMesosDuration(env[name] as string) : dflt)
  return {
    agentEndpoint: need('MESOS_AGENT_ENDPOINT'),
    frameworkId: need('MESOS_FRAMEWORK_ID'),
    executorId: need('MESOS_EXECUTOR_ID'),
    sandbox: env.MESOS_SANDBOX || env.MESOS_DIRECTORY || process.cwd(),
    checkpoint: env.MESOS_CHECKPOINT === '1',
    subscriptionBackoffMaxMs: duration('MESOS_SUBSCRIPTION_BACKOFF_MAX', 2000),
    recoveryTimeoutMs: duration('MESOS_RECOVERY_TIMEOUT', 15 * 60_000),
    shutdownGracePeriodMs: duration('MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD', 5000),
    authToken: env.MESOS_EXECUTOR_AUTHENTICATION_TOKEN || undefined,
  }
}
