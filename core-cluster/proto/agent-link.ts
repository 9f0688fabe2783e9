/** The agent link's stream id header: how the master ties an agent's calls to the link it registered on. */

/**
 * The header that ties an agent's calls to its link (`agent.proto`): the master sends it with the
 * answer to REGISTER, the agent sends it back with every STATUS_UPDATE, PONG, EXITED_EXECUTOR and
 * EXECUTOR_MESSAGE, as `Mesos-Stream-Id` ties a framework's calls to its subscription
 * (`docs/scheduler-http-api.md`). A call without the current link's id is refused.
 */
export const AGENT_STREAM_HEADER = 'Km-Agent-Stream-Id'
