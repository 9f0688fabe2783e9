/** The executor process: reads the agent's environment, runs the task loop, exits with its code. */
/**
 * Entry point of the Kafka executor, bundled into `dist/executor/kafka-mesos-executor.cjs` and started
 * by the agent in the task sandbox as `node kafka-mesos-executor.cjs`.
 *
 * Reads (Mesos `docs/executor-http-api.md`, "Environment variables"): MESOS_AGENT_ENDPOINT, MESOS_FRAMEWORK_ID, MESOS_EXECUTOR_ID, MESOS_SANDBOX
 * (else MESOS_DIRECTORY), MESOS_CHECKPOINT, MESOS_SUBSCRIPTION_BACKOFF_MAX, MESOS_RECOVERY_TIMEOUT,
 * MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD, MESOS_EXECUTOR_AUTHENTICATION_TOKEN; plus KM_DATA_DIR (root of
 * data dirs that survive task restarts) and KM_LOG_LEVEL. Exit codes: 0 after TASK_KILLED, 1 after
 * TASK_FAILED or a lost agent, 2 on a bad environment.
 */
import { ExecutorClient, type ExecutorEnv, executorEnvFrom } from '../core-cluster/client/index.js'
import { KafkaExecutor } from './executor.js'
import { createExecutorLogger } from './log.js'

/** Wires the v1 executor client to the Kafka task loop and runs until the task is done. */
export function runExecutor(processEnv: NodeJS.ProcessEnv = process.env): void {
  const log = createExecutorLogger()
  let env: ExecutorEnv
  try {
    env = executorEnvFrom(processEnv)
  } catch (e) {
    log.error({ err: (e as Error).message }, 'bad executor environment')
    process.exit(2)
  }
  // the token is the executor's alone: Kafka's JVM and its tools do not inherit it
  delete processEnv.MESOS_EXECUTOR_AUTHENTICATION_TOKEN
  log.info(
    {
      agent: env.agentEndpoint,
      framework: env.frameworkId,
      executor: env.executorId,
      sandbox: env.sandbox,
      checkpoint: env.checkpoint,
    },
    'kafka-mesos executor starting',
  )

  let client: ExecutorClient | undefined
  const exec = new KafkaExecutor({
    client: {
      update: (s) => client!.update(s),
      waitAcknowledged: (u, t) => client!.waitAcknowledged(u, t),
      message: (d) => client!.message(d),
    },
    sandbox: env.sandbox,
    dataRoot: processEnv.KM_DATA_DIR || undefined,
    shutdownGracePeriodMs: env.shutdownGracePeriodMs,
    log,
    onDone: (code) => {
      client?.close()
      log.info({ code }, 'executor exiting')
      process.exit(code)
    },
  })
  client = new ExecutorClient({
    env,
    log,
    handlers: {
      launch: (task) => exec.launch(task),
      kill: (taskId, policy) => exec.kill(taskId, policy),
      message: (data) => exec.message(data),
      shutdown: () => exec.shutdown(),
      disconnected: (reason) => exec.disconnected(reason),
    },
  })

  // Never leave a JVM behind when this process goes away.
  process.on('exit', () => exec.process?.signal('SIGKILL'))
  for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => exec.terminate(sig))
  process.on('uncaughtException', (e) => {
    log.error({ err: e.stack ?? String(e) }, 'uncaught exception; exiting')
    process.exit(1)
  })
  void client.start()
}

runExecutor()
