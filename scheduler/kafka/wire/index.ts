export { Reader, Writer, WireError } from './codec.js'
export { request, type RequestOptions } from './connection.js'
export { describeQuorum, parseDescribeQuorum, describeQuorumRequest, QuorumError, type QuorumDescription, type QuorumReplica } from './describe-quorum.js'
