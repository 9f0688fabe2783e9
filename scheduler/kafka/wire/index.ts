/** Public face of our own Kafka wire client: the APIs kafkajs lacks (quorum, voters, quotas, elections, log dirs, configs). */

export { alterClientQuotas, describeClientQuotas, type QuotaEntry, type QuotaFilter } from './client-quotas.js'
export { WireError, Writer } from './codec.js'
export { splitEndpoint } from './connection.js'
export { describeQuorum, type QuorumDescription, type QuorumReplica, ZERO_UUID } from './describe-quorum.js'
export { ElectionType, electLeaders } from './elect-leaders.js'
export { KafkaWireError } from './errors.js'
export { AlterConfigsError, alterBrokerConfigs, type ConfigChange } from './incremental-alter-configs.js'
export { describeLogDirs } from './log-dirs.js'
export { addRaftVoter, removeRaftVoter, VoterChangeError } from './raft-voters.js'
export { alterPartitionReassignments } from './reassignments.js'
