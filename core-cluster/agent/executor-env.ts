/** The environment an agent gives an executor process: the MESOS_* variables of the v1 executor API, plus KM_DATA_DIR. */
import { EXECUTOR_TOKEN_ENV } from './executor-auth.js'
import type { ExecutorRun } from './runs.js'

/**
 * The environment of an executor process, as Mesos sets it (`docs/executor-http-api.md`,
 * "Executor Environment Variables"; read back by the executor client, `core-cluster/client`):
 * - PATH, HOME and JAVA_HOME of the agent, then the ExecutorInfo's `command.environment`;
 * - `MESOS_FRAMEWORK_ID`, `MESOS_EXECUTOR_ID`, `MESOS_DIRECTORY` and `MESOS_SANDBOX` (the sandbox),
 *   `MESOS_AGENT_ENDPOINT` (`host:port` of the executor API), `MESOS_SLAVE_ID`, `MESOS_SLAVE_PID`,
 *   `MESOS_CHECKPOINT` (`1`/`0`), `MESOS_HTTP_COMMAND_EXECUTOR` (`1` for the built-in command
 *   executor), `MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD` (whole seconds, e.g. `5secs`);
 * - for checkpointing frameworks only, how long and how often to retry SUBSCRIBE after losing the
 *   agent: `MESOS_RECOVERY_TIMEOUT=15mins`, `MESOS_SUBSCRIPTION_BACKOFF_MAX=2secs`;
 * - `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`: with executor authentication, the executor's own token
 *   (./executor-auth.ts), which it sends as `Authorization: Bearer` on every executor call;
 * - `KM_DATA_DIR`: the agent's data dir shared by executors (ours, not Mesos's).
 *
 * The MESOS_* variables win over a same-named variable of `command.environment`.
 */
export function executorEnvironment(
  run: Pick<ExecutorRun, 'frameworkId' | 'executorId' | 'info' | 'framework' | 'commandExecutor' | 'container'>,
  agent: {
    host: string
    port: number
    agentId: string | undefined
    shutdownGraceMs: number
    dataDir: string
    /** the executor's token (executor authentication on) */
    executorToken?: string
  },
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const vars: Record<string, string> = {}
  for (const v of run.info.command?.environment?.variables ?? []) if (v.value !== undefined) vars[v.name] = v.value
  const sandbox = run.container.sandbox
  return {
    PATH: base.PATH ?? '/usr/bin:/bin',
    HOME: base.HOME ?? '/root',
    ...(base.JAVA_HOME ? { JAVA_HOME: base.JAVA_HOME } : {}),
    ...vars,
    MESOS_FRAMEWORK_ID: run.frameworkId,
    MESOS_EXECUTOR_ID: run.executorId,
    MESOS_DIRECTORY: sandbox,
    MESOS_SANDBOX: sandbox,
    MESOS_AGENT_ENDPOINT: `${agent.host}:${agent.port}`,
    MESOS_SLAVE_ID: agent.agentId ?? '',
    MESOS_SLAVE_PID: `slave(1)@${agent.host}:${agent.port}`,
    MESOS_CHECKPOINT: run.framework.checkpoint ? '1' : '0',
    MESOS_HTTP_COMMAND_EXECUTOR: run.commandExecutor ? '1' : '0',
    MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: `${Math.round(agent.shutdownGraceMs / 1000)}secs`,
    ...(run.framework.checkpoint ? { MESOS_RECOVERY_TIMEOUT: '15mins', MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs' } : {}),
    ...(agent.executorToken ? { [EXECUTOR_TOKEN_ENV]: agent.executorToken } : {}),
    KM_DATA_DIR: agent.dataDir,
  }
}
