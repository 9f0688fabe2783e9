/** AddRaftVoter and RemoveRaftVoter v0 (KIP-853) on the wire. */

import { type Reader, Writer } from './codec.js'
import { request } from './connection.js'
import type { QuorumListener } from './describe-quorum.js'
import { KafkaWireError } from './errors.js'

/**
 * KIP-853 voter changes of a dynamic KRaft quorum: AddRaftVoter (API key 80) and RemoveRaftVoter
 * (API key 81), both version 0, flexible (request header v2, response header v1). Layouts from
 * `AddRaftVoterRequest.json`, `RemoveRaftVoterRequest.json` and their responses in the pinned 4.4.0
 * clients jar. Version 0 of AddRaftVoter answers once the new voter set is committed
 * (AckWhenCommitted, added in v1, defaults to true). This is what `kafka-metadata-quorum
 * add-controller` / `remove-controller` send.
 */
export const ADD_RAFT_VOTER_API_KEY = 80
export const REMOVE_RAFT_VOTER_API_KEY = 81

/** The voter being added: node id, metadata log directory id (Kafka Uuid), its controller listeners. */
export interface NewVoter {
  clusterId: string | null
  /** how long the leader may take to commit the change, ms */
  timeoutMs: number
  voterId: number
  voterDirectoryId: string
  listeners: QuorumListener[]
}

/** The voter being removed. */
export interface OldVoter {
  clusterId: string | null
  voterId: number
  voterDirectoryId: string
}

/**
 * AddRaftVoter v0 body: ClusterId (compact nullable string), TimeoutMs (int32), VoterId (int32),
 * VoterDirectoryId (uuid), Listeners (compact array of Name, Host compact strings and Port uint16,
 * each with empty tags), then empty tags.
 * @throws WireError for a directory id that is not a Kafka Uuid
 */
export function addRaftVoterRequest(v: NewVoter): Buffer {
  return new Writer()
    .compactNullableString(v.clusterId)
    .int32(v.timeoutMs)
    .int32(v.voterId)
    .uuid(v.voterDirectoryId)
    .compactArray(v.listeners, (w, l) => w.compactString(l.name).compactString(l.host).uint16(l.port).tags())
    .tags()
    .build()
}

/** RemoveRaftVoter v0 body: ClusterId (compact nullable string), VoterId (int32), VoterDirectoryId (uuid), empty tags. */
export function removeRaftVoterRequest(v: OldVoter): Buffer {
  return new Writer().compactNullableString(v.clusterId).int32(v.voterId).uuid(v.voterDirectoryId).tags().build()
}

/** Both responses: ThrottleTimeMs (int32), ErrorCode (int16), ErrorMessage (compact nullable string), tags. */
export interface VoterChangeResponse {
  throttleTimeMs: number
  errorCode: number
  errorMessage: string | null
}

/** Decodes an AddRaftVoter/RemoveRaftVoter v0 response body. @throws WireError when malformed */
export function parseVoterChangeResponse(r: Reader): VoterChangeResponse {
  const out = { throttleTimeMs: r.int32(), errorCode: r.int16(), errorMessage: r.compactNullableString() }
  r.tags()
  return out
}

/** Raised when the leader refuses a voter change; `errorName` is e.g. `DUPLICATE_VOTER`. */
export class VoterChangeError extends KafkaWireError {}

async function send(
  endpoint: { host: string; port: number },
  apiKey: number,
  body: Buffer,
  what: string,
  timeoutMs: number,
): Promise<void> {
  const r = await request({
    host: endpoint.host,
    port: endpoint.port,
    apiKey,
    apiVersion: 0,
    body,
    flexible: true,
    timeoutMs,
  })
  const res = parseVoterChangeResponse(r)
  if (res.errorCode !== 0)
    throw new VoterChangeError(res.errorCode, res.errorMessage, `${what} at ${endpoint.host}:${endpoint.port}`)
}

/**
 * Adds a voter to a dynamic quorum: AddRaftVoter to the quorum leader's controller listener. The new
 * controller must already run as an observer and have caught up, or the leader refuses.
 * @throws VoterChangeError when the leader refuses (NOT_LEADER_OR_FOLLOWER, DUPLICATE_VOTER,
 *   REQUEST_TIMED_OUT, UNSUPPORTED_VERSION for a static quorum, ...); Error when it does not answer
 */
export function addRaftVoter(leader: { host: string; port: number }, v: NewVoter): Promise<void> {
  return send(leader, ADD_RAFT_VOTER_API_KEY, addRaftVoterRequest(v), `AddRaftVoter ${v.voterId}`, v.timeoutMs + 5000)
}

/**
 * Removes a voter from a dynamic quorum: RemoveRaftVoter to the quorum leader's controller listener.
 * Stop the controller only after this succeeded.
 * @throws VoterChangeError when the leader refuses (VOTER_NOT_FOUND, ...); Error when it does not answer
 */
export function removeRaftVoter(
  leader: { host: string; port: number },
  v: OldVoter,
  timeoutMs = 30_000,
): Promise<void> {
  return send(leader, REMOVE_RAFT_VOTER_API_KEY, removeRaftVoterRequest(v), `RemoveRaftVoter ${v.voterId}`, timeoutMs)
}
