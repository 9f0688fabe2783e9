/** Public face of the CLI's clients: the scheduler's REST API (transport, answers, errors) and the master's operator API. */

export { type ApiSources, PROPERTIES_FILE, resolveApi } from './api-url.js'
export { schedulerFromApps } from './apps-discovery.js'
export {
  BrokerJson,
  BrokersResponse,
  RemoveResponse,
  RestartResponse,
  StartStopResponse,
  TaskJson,
} from './broker-responses.js'
export {
  CREDENTIAL_HINT,
  type CredentialFlags,
  type CredentialSources,
  resolveAuthorization,
  useCredentialFlags,
} from './credentials.js'
export { decode } from './decode.js'
export { GroupResponse, GroupsResponse, ResetOffsetsResponse } from './group-responses.js'
export { MachineId, ScheduleJson, StatusJson } from './maintenance-responses.js'
export { MasterApiError, operatorCall, resolveMasters } from './master-api.js'
export { parseProperties } from './properties.js'
export { QuotaResponse } from './quota-responses.js'
export { type JsonValue, type Params, post, postStream } from './rest.js'
export { SchedulerApiError } from './scheduler-api-error.js'
export { PartitionsResponse, RebalanceResponse, TopicJson, TopicsResponse } from './topic-responses.js'
