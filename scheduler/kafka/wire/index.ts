/** Public face of our own Kafka wire client: the APIs kafkajs lacks (quorum, voters, quotas, elections, log dirs, configs). */

export {
  alterClientQuotas,
  describeClientQuotas,
  type EntityPart,
  type QuotaEntry,
  type QuotaFilter,
  type QuotaOp,
} from './client-quotas.js'
export { Reader, WireError, Writer } from './codec.js'
export { type RequestOptions, request, requestAny, splitEndpoint } from './connection.js'
export {
  describeQuorum,
  describeQuorumRequest,
  parseDescribeQuorum,
  type QuorumDescription,
  QuorumError,
  type QuorumListener,
  type QuorumReplica,
  ZERO_UUID,
} from './describe-quorum.js'
export { type ElectionResult, ElectionType, electLeaders } from './elect-leaders.js'
export { KAFKA_ERROR_NAMES, KafkaWireError, kafkaErrorName } from './errors.js'
export {
  AlterConfigsError,
  alterBrokerConfigs,
  type ConfigChange,
  incrementalAlterConfigsRequest,
  parseIncrementalAlterConfigs,
} from './incremental-alter-configs.js'
export { describeLogDirs, type ReplicaLog } from './log-dirs.js'
export {
  ADD_RAFT_VOTER_API_KEY,
  addRaftVoter,
  addRaftVoterRequest,
  type NewVoter,
  type OldVoter,
  parseVoterChangeResponse,
  REMOVE_RAFT_VOTER_API_KEY,
  removeRaftVoter,
  removeRaftVoterRequest,
  VoterChangeError,
  type VoterChangeResponse,
} from './raft-voters.js'
export { alterPartitionReassignments, type ReassignmentChange, type ReassignmentResult } from './reassignments.js'
