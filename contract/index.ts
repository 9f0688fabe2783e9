/** Public face of the contract between the scheduler, the executor and the CLI: what crosses between them (docs/contract.md). */

export {
  formatBindAddress,
  type InterfaceAddress,
  isWildcard,
  parseBindAddress,
  resolveBindAddress,
} from './bind-address.js'
export {
  decodeReply,
  decodeReport,
  decodeRequest,
  type ExecutorReply,
  type ExecutorRequest,
  encodeMessage,
  type LogReply,
  type MetricsReply,
} from './executor-messages.js'
export {
  EXECUTOR_MB,
  heapDerivedOptions,
  JVM_OVERHEAD_MB,
  MIN_BROKER_HEAP_MB,
  type SizingProblem,
  sizingProblem,
} from './heap-settings.js'
export { parseProperties } from './java-properties.js'
export { newKafkaUuid } from './kafka-uuid.js'
export { formatMap, parseMap, parseMapEntries } from './kv-map.js'
export { lenientObject } from './lenient.js'
export { checkLog4jOptions, renderLog4jOverrides } from './log4j.js'
export { formatProgress, type MoveProgress } from './move-progress.js'
export {
  type Failover,
  type KafkaNode,
  type NodeRole,
  NodeSchema,
  NodeTaskSchema,
} from './node.js'
export { CONTROLLER_BASE_ID } from './node-id.js'
export {
  type ControllerJson,
  FailoverJsonSchema,
  type NodeJson,
  NodeJsonSchema,
  StickinessJsonSchema,
  WaitingJsonSchema,
} from './node-json.js'
export { formatPeriod, parsePeriod } from './period.js'
export { formatRange, parseRange } from './range.js'
export {
  effectiveLogDirs,
  renderServerProperties,
  serverProperties,
  substituteId,
} from './server-properties.js'
export {
  decodeTaskData,
  encodeTaskData,
  type KafkaTaskData,
  type KafkaTaskDataInput,
  KafkaTaskDataSchema,
  newClusterId,
} from './task-data.js'
export { ValueError } from './value-error.js'
