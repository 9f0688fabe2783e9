/** Public face of the agent: the Agent and its HTTP server, the built-in executors, the fetcher and the launcher's process groups. */
export { Agent, type AgentOptions, type ExecutorStatistics } from './agent.js'
export { CommandExecutor, DEFAULT_KILL_GRACE_MS, describeExit } from './command-executor.js'
export { commandExecutorEntry, commandExecutorInfo, commandExecutorName } from './command-executor-launch.js'
export { FetchError, fetchUris, groupAlive, launchCommand, signalGroup, stopGroup } from './containerizer/index.js'
export { createAgentApp, type RunningAgent, startAgent } from './server.js'
export { StatusUpdateManager } from './status-updates.js'
