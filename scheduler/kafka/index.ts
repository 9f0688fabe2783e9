/** Public face of the scheduler's Kafka access: the Admin client (kafkajs), wire/ calls kafkajs lacks, topics, quotas, rebalance, elections, live configs. */

export { type BrokerSource, closeKafkaAdmin, KafkaAdmin, kafkaAdmin, NoBrokersError } from './admin.js'
export { AssignmentError } from './assignment.js'
export { type OptionsPlan, planIsEmpty, planOptionsChange } from './dynamic-configs.js'
export { electPreferredLeaders } from './elect.js'
export { KafkaRequestError } from './kafka-errors.js'
export { AlterConfigsError, applyLive, dropStaleDynamicConfigs } from './live-config.js'
export { DEFAULT_ENTITY, listQuotas, QUOTA_ENTITY_TYPES, QUOTA_KEYS, type QuotaKey, setQuotas } from './quotas.js'
export { Rebalancer } from './rebalance.js'
export { TopicExprError } from './topic-expr.js'
export { addTopics, deleteTopics, describeTopics, partitionList, resolveTopics, updateTopics } from './topics.js'
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
