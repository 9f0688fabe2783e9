/** The program of the built-in command and default executors: reads the executor environment, subscribes to the agent, runs the tasks. */
/**
 * Entry point of the built-in command executor process, started by the agent for a TaskInfo with a
 * `command` as `node command-executor-main.js` in the task's sandbox (its own process group), with the
 * executor environment of Mesos `docs/executor-http-api.md` (./executor-env.ts). With `KM_DEFAULT_EXECUTOR=1` the same program is the
 * built-in default executor of LAUNCH_GROUP (./default-executor.ts). Exit codes: 0 after
 * TASK_FINISHED/TASK_KILLED, 1 after TASK_FAILED or a lost agent, 2 on a bad environment.
 */
import { pino } from 'pino'
import { ExecutorClient, type ExecutorEnv, executorEnvFrom } from '../client/index.js'
import { CommandExecutor, type CommandExecutorOptions } from './command-executor.js'
import { DefaultExecutor } from './default-executor.js'

const log = pino(
  { name: 'command-executor', level: process.env.KM_LOG_LEVEL ?? 'info', base: { pid: process.pid } },
  pino.destination({ fd: 2, sync: true }),
)
const defaultExecutor = process.env.KM_DEFAULT_EXECUTOR === '1'
let env: ExecutorEnv
try {
  env = executorEnvFrom(process.env)
} catch (e) {
  log.error({ err: (e as Error).message }, 'bad executor environment')
  process.exit(2)
}
// The token is the executor's alone: the task's command does not inherit it, so a task cannot
// speak for its executor on the executor API.
delete process.env.MESOS_EXECUTOR_AUTHENTICATION_TOKEN
log.info(
  { agent: env.agentEndpoint, framework: env.frameworkId, executor: env.executorId, checkpoint: env.checkpoint },
  defaultExecutor ? 'default executor starting' : 'command executor starting',
)

let client: ExecutorClient | undefined
let exiting = false
const options: CommandExecutorOptions = {
  client: { update: (s) => client!.update(s), waitAcknowledged: (u, t) => client!.waitAcknowledged(u, t) },
  sandbox: env.sandbox,
  env: process.env,
  shutdownGracePeriodMs: env.shutdownGracePeriodMs,
  // A checkpointing executor keeps its terminal update until a (restarted) agent takes it.
  ackTimeoutMs: env.checkpoint ? env.recoveryTimeoutMs : 30_000,
  log,
  onDone: (code) => {
    if (exiting) return
    exiting = true
    client?.close()
    log.info({ code }, 'command executor exiting')
    process.exit(code)
  },
}
const exec = defaultExecutor ? new DefaultExecutor(options) : new CommandExecutor(options)
client = new ExecutorClient({
  env,
  log,
  handlers: {
    subscribed: (ev) => exec.subscribed(ev.framework_info),
    launch: (task) => exec.launch(task),
    launchGroup: (tasks) => {
      if (exec instanceof DefaultExecutor) exec.launchGroup(tasks)
      else for (const t of tasks) exec.launch(t)
    },
    kill: (taskId, policy) => exec.kill(taskId, policy),
    shutdown: () => exec.shutdown(),
    disconnected: () => exec.disconnected(),
  },
})
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => exec.terminate())
process.on('exit', () => {
  for (const pid of exec instanceof DefaultExecutor ? exec.pids : exec.pid ? [exec.pid] : []) {
    try {
      process.kill(-pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})
void client.start()
