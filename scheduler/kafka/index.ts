/** Public face of the scheduler's Kafka access: the Admin client (kafkajs), wire/ calls kafkajs lacks, topic, consumer-group and quota commands, live configs. */

export { closeKafkaAdmin, kafkaAdmin, NoBrokersError } from './admin.js'
export { AssignmentError } from './assignment.js'
export { type OptionsPlan, planIsEmpty, planOptionsChange } from './dynamic-configs.js'
export {
  describeGroup,
  GroupActive,
  type GroupDetail,
  GroupNotFound,
  type GroupPartition,
  type GroupSummary,
  listGroups,
  type ResetResult,
  type ResetTarget,
  resetGroupOffsets,
} from './groups.js'
export { KafkaRequestError } from './kafka-errors.js'
export { AlterConfigsError, applyLive, dropStaleDynamicConfigs } from './live-config.js'
export { QuotaCommands } from './quota-commands.js'
export { DEFAULT_ENTITY, QUOTA_ENTITY_TYPES } from './quotas.js'
export { TopicCommands } from './topic-commands.js'
export { TopicExprError } from './topic-expr.js'
export {
  addRaftVoter,
  describeQuorum,
  KafkaWireError,
  type QuorumDescription,
  removeRaftVoter,
  splitEndpoint,
  VoterChangeError,
  WireError,
  ZERO_UUID,
} from './wire/index.js'
