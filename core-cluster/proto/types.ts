/** The TypeScript shapes of the Mesos v1 messages, in Mesos JSON form. */
/**
 * TypeScript shapes of the Mesos v1 messages in Mesos JSON form (snake_case keys, enum names as
 * strings, bytes as base64 strings), as produced by `codec.ts`. Field numbers: `include/mesos/v1/mesos.proto`.
 * Only the fields kafka-mesos reads or writes are typed; the .proto files hold the rest.
 */
export interface Id {
  value: string
}

export type ValueType = 'SCALAR' | 'RANGES' | 'SET' | 'TEXT'
export interface Range {
  begin: number
  end: number
}

/** mesos.v1.Resource: `mem` and `disk` in MB, `cpus` in cores, `ports` as ranges. */
export interface Resource {
  name: string
  type: ValueType
  scalar?: { value: number }
  ranges?: { range?: Range[] }
  set?: { item?: string[] }
  role?: string
  allocation_info?: { role?: string }
  /** pre-refinement format: a dynamic reservation's principal and labels (with `role`) */
  reservation?: ReservationInfo
  /** refinement format: the reservation stack, outermost (coarsest role) first */
  reservations?: ReservationInfo[]
  /** a persistent volume: `persistence.id` plus where it appears in the sandbox */
  disk?: { persistence?: { id: string; principal?: string }; volume?: Volume }
  revocable?: Record<string, never>
  shared?: Record<string, never>
}

/** mesos.v1.Resource.ReservationInfo */
export interface ReservationInfo {
  type?: 'UNKNOWN' | 'STATIC' | 'DYNAMIC'
  role?: string
  principal?: string
  labels?: Labels
}

/** mesos.v1.Volume (the fields used here): `container_path` is relative to the sandbox. */
export interface Volume {
  mode?: 'RW' | 'RO'
  container_path: string
  host_path?: string
}

export interface Attribute {
  name: string
  type: ValueType
  scalar?: { value: number }
  ranges?: { range?: Range[] }
  set?: { item?: string[] }
  text?: { value: string }
}

export interface Address {
  hostname?: string
  ip?: string
  port: number
}
export interface URL {
  scheme: string
  address: Address
  path?: string
}

export interface Labels {
  labels?: Array<{ key: string; value?: string }>
}

export interface CommandURI {
  value: string
  executable?: boolean
  extract?: boolean
  cache?: boolean
  output_file?: string
}
export interface CommandInfo {
  uris?: CommandURI[]
  environment?: { variables?: Array<{ name: string; type?: string; value?: string }> }
  shell?: boolean
  value?: string
  arguments?: string[]
  user?: string
}

export interface ExecutorInfo {
  type?: 'UNKNOWN' | 'DEFAULT' | 'CUSTOM'
  executor_id: Id
  framework_id?: Id
  command?: CommandInfo
  resources?: Resource[]
  name?: string
  data?: string
  shutdown_grace_period?: { nanoseconds: number }
}

export interface KillPolicy {
  grace_period?: { nanoseconds: number }
}

export interface TaskInfo {
  name: string
  task_id: Id
  agent_id: Id
  resources?: Resource[]
  executor?: ExecutorInfo
  command?: CommandInfo
  kill_policy?: KillPolicy
  /** base64 */
  data?: string
  labels?: Labels
}

export type TaskState =
  | 'TASK_STAGING'
  | 'TASK_STARTING'
  | 'TASK_RUNNING'
  | 'TASK_KILLING'
  | 'TASK_FINISHED'
  | 'TASK_FAILED'
  | 'TASK_KILLED'
  | 'TASK_ERROR'
  | 'TASK_LOST'
  | 'TASK_DROPPED'
  | 'TASK_UNREACHABLE'
  | 'TASK_GONE'
  | 'TASK_GONE_BY_OPERATOR'
  | 'TASK_UNKNOWN'

/** Terminal states: resources are released (`include/mesos/v1/mesos.proto` TaskState). */
export const TERMINAL_STATES: ReadonlySet<TaskState> = new Set<TaskState>([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_ERROR',
  'TASK_LOST',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
])
export function isTerminal(state: TaskState): boolean {
  return TERMINAL_STATES.has(state)
}

export interface TaskStatus {
  task_id: Id
  state: TaskState
  message?: string
  source?: 'SOURCE_MASTER' | 'SOURCE_AGENT' | 'SOURCE_EXECUTOR'
  reason?: string
  /** base64 */
  data?: string
  agent_id?: Id
  executor_id?: Id
  /** epoch seconds */
  timestamp?: number
  /** base64 of 16 bytes; present means the update must be acknowledged */
  uuid?: string
  healthy?: boolean
  /** the resources whose limit was exceeded (e.g. mem for REASON_CONTAINER_LIMITATION_MEMORY) */
  limitation?: { resources?: Resource[] }
  /** when the master marked the task's agent unreachable (TASK_UNREACHABLE, reconciliation) */
  unreachable_time?: { nanoseconds: number }
}

export interface FrameworkInfo {
  user: string
  name: string
  id?: Id
  /** seconds */
  failover_timeout?: number
  checkpoint?: boolean
  role?: string
  roles?: string[]
  hostname?: string
  principal?: string
  capabilities?: Array<{ type?: string }>
}

export interface MasterInfo {
  id: string
  ip: number
  port: number
  hostname?: string
  version?: string
  address?: Address
}

export interface AgentInfo {
  hostname: string
  port?: number
  resources?: Resource[]
  attributes?: Attribute[]
  id?: Id
}

export interface Offer {
  id: Id
  framework_id: Id
  agent_id: Id
  hostname: string
  url?: URL
  resources?: Resource[]
  attributes?: Attribute[]
  executor_ids?: Id[]
  allocation_info?: { role?: string }
  /** set when the offer's agent is on a machine scheduled for maintenance (draining) */
  unavailability?: Unavailability
}

/** mesos.v1.Unavailability: from `start` for `duration` (both in nanoseconds; no duration = forever). */
export interface Unavailability {
  start: { nanoseconds: number }
  duration?: { nanoseconds: number }
}

/** mesos.v1.MachineID: a machine is named by hostname, IP, or both. */
export interface MachineID {
  hostname?: string
  ip?: string
}

/** mesos.v1.InverseOffer: the master asks a framework to give back `agent_id`'s resources for the unavailability. */
export interface InverseOffer {
  id: Id
  url?: URL
  framework_id: Id
  agent_id?: Id
  unavailability: Unavailability
  resources?: Resource[]
}

export interface Filters {
  refuse_seconds?: number
}

export interface TaskGroupInfo {
  tasks?: TaskInfo[]
}

/** mesos.v1.Offer.Operation */
export interface OfferOperation {
  type?:
    | 'UNKNOWN'
    | 'LAUNCH'
    | 'RESERVE'
    | 'UNRESERVE'
    | 'CREATE'
    | 'DESTROY'
    | 'LAUNCH_GROUP'
    | 'GROW_VOLUME'
    | 'SHRINK_VOLUME'
    | 'CREATE_DISK'
    | 'DESTROY_DISK'
  /** set: the master answers with UPDATE_OPERATION_STATUS */
  id?: Id
  launch?: { task_infos?: TaskInfo[] }
  launch_group?: { executor: ExecutorInfo; task_group: TaskGroupInfo }
  reserve?: { resources?: Resource[]; source?: Resource[] }
  unreserve?: { resources?: Resource[] }
  create?: { volumes?: Resource[] }
  destroy?: { volumes?: Resource[] }
}

export type OperationState =
  | 'OPERATION_UNSUPPORTED'
  | 'OPERATION_PENDING'
  | 'OPERATION_FINISHED'
  | 'OPERATION_FAILED'
  | 'OPERATION_ERROR'
  | 'OPERATION_DROPPED'
  | 'OPERATION_UNREACHABLE'
  | 'OPERATION_GONE_BY_OPERATOR'
  | 'OPERATION_RECOVERING'
  | 'OPERATION_UNKNOWN'

/** mesos.v1.OperationStatus */
export interface OperationStatus {
  operation_id?: Id
  state: OperationState
  message?: string
  converted_resources?: Resource[]
  agent_id?: Id
}

export namespace scheduler {
  export type CallType =
    | 'UNKNOWN'
    | 'SUBSCRIBE'
    | 'TEARDOWN'
    | 'ACCEPT'
    | 'DECLINE'
    | 'ACCEPT_INVERSE_OFFERS'
    | 'DECLINE_INVERSE_OFFERS'
    | 'REVIVE'
    | 'KILL'
    | 'SHUTDOWN'
    | 'ACKNOWLEDGE'
    | 'ACKNOWLEDGE_OPERATION_STATUS'
    | 'RECONCILE'
    | 'RECONCILE_OPERATIONS'
    | 'MESSAGE'
    | 'REQUEST'
    | 'SUPPRESS'
    | 'UPDATE_FRAMEWORK'
  /** mesos.v1.scheduler.Call */
  export interface Call {
    framework_id?: Id
    type?: CallType
    subscribe?: { framework_info: FrameworkInfo; suppressed_roles?: string[] }
    accept?: { offer_ids?: Id[]; operations?: OfferOperation[]; filters?: Filters }
    decline?: { offer_ids?: Id[]; filters?: Filters }
    accept_inverse_offers?: { inverse_offer_ids?: Id[]; filters?: Filters }
    decline_inverse_offers?: { inverse_offer_ids?: Id[]; filters?: Filters }
    revive?: { roles?: string[] }
    suppress?: { roles?: string[] }
    kill?: { task_id: Id; agent_id?: Id; kill_policy?: KillPolicy }
    shutdown?: { executor_id: Id; agent_id: Id }
    acknowledge?: { agent_id: Id; task_id: Id; uuid: string }
    reconcile?: { tasks?: Array<{ task_id: Id; agent_id?: Id }> }
    message?: { agent_id: Id; executor_id: Id; data: string }
    update_framework?: { framework_info: FrameworkInfo; suppressed_roles?: string[] }
  }
  export type EventType =
    | 'UNKNOWN'
    | 'SUBSCRIBED'
    | 'OFFERS'
    | 'INVERSE_OFFERS'
    | 'RESCIND'
    | 'RESCIND_INVERSE_OFFER'
    | 'UPDATE'
    | 'UPDATE_OPERATION_STATUS'
    | 'MESSAGE'
    | 'FAILURE'
    | 'ERROR'
    | 'HEARTBEAT'
  /** mesos.v1.scheduler.Event */
  export interface Event {
    type?: EventType
    subscribed?: { framework_id: Id; heartbeat_interval_seconds?: number; master_info?: MasterInfo }
    offers?: { offers?: Offer[] }
    rescind?: { offer_id: Id }
    update?: { status: TaskStatus }
    message?: { agent_id: Id; executor_id: Id; data: string }
    failure?: { agent_id?: Id; executor_id?: Id; status?: number }
    error?: { message: string }
    update_operation_status?: { status: OperationStatus }
    inverse_offers?: { inverse_offers?: InverseOffer[] }
    rescind_inverse_offer?: { inverse_offer_id: Id }
  }
}

export namespace executor {
  export type CallType = 'UNKNOWN' | 'SUBSCRIBE' | 'UPDATE' | 'MESSAGE' | 'HEARTBEAT'
  /** mesos.v1.executor.Call */
  export interface Call {
    executor_id: Id
    framework_id: Id
    type?: CallType
    subscribe?: { unacknowledged_tasks?: TaskInfo[]; unacknowledged_updates?: Array<{ status: TaskStatus }> }
    update?: { status: TaskStatus }
    message?: { data: string }
  }
  export type EventType =
    | 'UNKNOWN'
    | 'SUBSCRIBED'
    | 'LAUNCH'
    | 'LAUNCH_GROUP'
    | 'KILL'
    | 'ACKNOWLEDGED'
    | 'MESSAGE'
    | 'ERROR'
    | 'SHUTDOWN'
    | 'HEARTBEAT'
  /** mesos.v1.executor.Event */
  export interface Event {
    type?: EventType
    subscribed?: {
      executor_info: ExecutorInfo
      framework_info: FrameworkInfo
      agent_info: AgentInfo
      container_id?: Id
    }
    acknowledged?: { task_id: Id; uuid: string }
    launch?: { task: TaskInfo }
    launch_group?: { task_group: TaskGroupInfo }
    kill?: { task_id: Id; kill_policy?: KillPolicy }
    message?: { data: string }
    error?: { message: string }
  }
}

export namespace agent {
  /** kafka_mesos.agent.Call: agent -> master (our own link). */
  export interface Call {
    agent_id?: Id
    type?: 'UNKNOWN' | 'REGISTER' | 'STATUS_UPDATE' | 'EXECUTOR_MESSAGE' | 'EXITED_EXECUTOR' | 'PONG'
    register?: { agent_info: AgentInfo; tasks?: TaskInfo[]; framework_ids?: Id[]; checkpointed_resources?: Resource[] }
    status_update?: { framework_id: Id; status: TaskStatus }
    executor_message?: { framework_id: Id; executor_id: Id; data: string }
    exited_executor?: { framework_id: Id; executor_id: Id; status?: number }
  }
  /** kafka_mesos.agent.Event: master -> agent. */
  export interface Event {
    type?:
      | 'UNKNOWN'
      | 'REGISTERED'
      | 'RUN_TASK'
      | 'KILL_TASK'
      | 'ACKNOWLEDGE'
      | 'FRAMEWORK_MESSAGE'
      | 'SHUTDOWN_FRAMEWORK'
      | 'PING'
      | 'CHECKPOINT_RESOURCES'
      | 'RUN_TASK_GROUP'
    registered?: { agent_id: Id; master_id: string; total_ping_timeout_seconds?: number }
    run_task?: { framework_info: FrameworkInfo; task: TaskInfo }
    kill_task?: { framework_id: Id; task_id: Id; kill_policy?: KillPolicy }
    acknowledge?: { framework_id: Id; task_id: Id; uuid: string }
    framework_message?: { framework_id: Id; executor_id: Id; data: string }
    shutdown_framework?: { framework_id: Id }
    checkpoint_resources?: { resources?: Resource[] }
    run_task_group?: { framework_info: FrameworkInfo; executor: ExecutorInfo; task_group: TaskGroupInfo }
  }
}
