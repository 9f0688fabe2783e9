/** Public face of the containerizer: containers, the containerizer that launches and isolates them, the fetcher, the volume store. */
export { BUILTIN_EXECUTOR_ALLOWANCE_MB } from './cgroups-isolator.js'
export {
  type Container,
  type ContainerResources,
  type ContainerUsage,
  type MemoryLimitation,
  memLimitMb,
} from './container.js'
export { Containerizer, type ContainerizerOptions, type ResourceStatistics } from './containerizer.js'
export { FetchError, fetchUris } from './fetcher.js'
export type { Isolator } from './isolator.js'
export { groupAlive, type LaunchedProcess, launchCommand, signalGroup, stopGroup } from './launcher.js'
export { AgentResources } from './volumes.js'
