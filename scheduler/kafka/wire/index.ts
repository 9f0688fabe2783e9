export { Reader, Writer, WireError } from './codec.js'
export { request, requestAny, splitEndpoint, type RequestOptions } from './connection.js'
export { KAFKA_ERROR_NAMES, kafkaErrorName, KafkaWireError } from './errors.js'
export { describeQuorum, parseDescribeQuorum, describeQuorumRequest, QuorumError, ZERO_UUID, type QuorumDescription, type QuorumListener, type QuorumReplica } from './describe-quorum.js'
export { alterClientQuotas, describeClientQuotas, type EntityPart, type QuotaEntry, type QuotaFilter, type QuotaOp } from './client-quotas.js'
export { electLeaders, ElectionType, type ElectionResult } from './elect-leaders.js'
export { alterPartitionReassignments, type ReassignmentChange, type ReassignmentResult } from './reassignments.js'
export { describeLogDirs, type ReplicaLog } from './log-dirs.js'
export { alterBrokerConfigs, incrementalAlterConfigsRequest, parseIncrementalAlterConfigs, AlterConfigsError, type ConfigChange } from './incremental-alter-configs.js'
export {
  addRaftVoter,
  addRaftVoterRequest,
  removeRaftVoter,
  removeRaftVoterRequest,
  parseVoterChangeResponse,
  VoterChangeError,
  ADD_RAFT_VOTER_API_KEY,
  REMOVE_RAFT_VOTER_API_KEY,
  type NewVoter,
  type OldVoter,
  type VoterChangeResponse,
} from './raft-voters.js'
