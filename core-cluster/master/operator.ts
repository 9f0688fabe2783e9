/** The v1 operator API's calls (`POST /api/v1`, JSON): parsing each call and answering it from the master. */

import type { Resource } from '../proto/index.js'
import { CallError } from './errors.js'
import { MESOS_VERSION } from './ids.js'
import type { Master } from './master.js'
import { parseQuotaConfigs } from './quota.js'

/**
 * The master's v1 **operator** API (`POST /api/v1`, Mesos `mesos.v1.master.Call`), JSON form:
 * GET_HEALTH, GET_VERSION, GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_ROLES, GET_WEIGHTS,
 * UPDATE_WEIGHTS, GET_QUOTA, UPDATE_QUOTA, RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES,
 * DESTROY_VOLUMES, and the maintenance calls GET_MAINTENANCE_SCHEDULE,
 * GET_MAINTENANCE_STATUS, UPDATE_MAINTENANCE_SCHEDULE, START_MAINTENANCE, STOP_MAINTENANCE
 * (master.proto). Answers are objects `{type, get_<x>: {...}}` (200), or undefined for calls that
 * answer 200 with no body.
 * @throws CallError 400 for a malformed call or a call type this master does not implement (never a 5xx)
 */
export function operatorCall(master: Master, call: unknown): object | undefined {
  if (!call || typeof call !== 'object' || Array.isArray(call))
    throw new CallError(400, 'Failed to validate master::Call: expected a JSON object')
  const c = call as Record<string, unknown>
  const type = c.type
  if (type === undefined || type === null)
    throw new CallError(400, "Failed to validate master::Call: Expecting 'type' to be present")
  if (typeof type !== 'string')
    throw new CallError(400, 'Failed to validate master::Call: \'type\' must be a call type name such as "GET_ROLES"')
  const view = () => master.operatorView()
  switch (type) {
    case 'GET_HEALTH':
      return { type, get_health: { healthy: true } }
    case 'GET_VERSION':
      return { type, get_version: { version_info: { version: MESOS_VERSION } } }
    case 'GET_AGENTS':
      return { type, get_agents: getAgents(view()) }
    case 'GET_FRAMEWORKS':
      return { type, get_frameworks: { frameworks: view().frameworks, completed_frameworks: [] } }
    case 'GET_TASKS':
      return { type, get_tasks: getTasks(view()) }
    case 'GET_STATE': {
      const v = view()
      return {
        type,
        get_state: {
          get_tasks: getTasks(v),
          get_executors: { executors: [] },
          get_frameworks: { frameworks: v.frameworks },
          get_agents: getAgents(v),
        },
      }
    }
    case 'GET_ROLES':
      return { type, get_roles: { roles: master.roles() } }
    case 'GET_WEIGHTS':
      return { type, get_weights: { weight_infos: master.getWeights() } }
    case 'UPDATE_WEIGHTS': {
      const uw = c.update_weights
      if (!uw || typeof uw !== 'object' || Array.isArray(uw))
        throw new CallError(400, "Failed to validate master::Call: Expecting 'update_weights' to be present")
      const infos = (uw as Record<string, unknown>).weight_infos ?? []
      if (!Array.isArray(infos))
        throw new CallError(400, "Failed to validate master::Call: 'update_weights.weight_infos' must be an array")
      master.updateWeights(
        infos.map((i, n) => {
          if (!i || typeof i !== 'object' || Array.isArray(i))
            throw new CallError(400, `Failed to validate master::Call: 'weight_infos[${n}]' must be an object`)
          const { role, weight } = i as Record<string, unknown>
          if (typeof role !== 'string')
            throw new CallError(400, `Failed to validate master::Call: 'weight_infos[${n}].role' must be a string`)
          // Mesos's JSON accepts numbers as numeric strings too.
          const w = typeof weight === 'string' && weight.trim() !== '' ? Number(weight) : weight
          return { role, weight: typeof w === 'number' ? w : undefined }
        }),
      )
      return undefined
    }
    case 'GET_MAINTENANCE_SCHEDULE':
      return { type, get_maintenance_schedule: { schedule: master.maintenanceSchedule() } }
    case 'GET_MAINTENANCE_STATUS':
      return { type, get_maintenance_status: { status: master.maintenanceStatus() } }
    case 'UPDATE_MAINTENANCE_SCHEDULE':
      master.updateMaintenanceSchedule(field(c, 'update_maintenance_schedule').schedule)
      return undefined
    case 'START_MAINTENANCE':
      master.startMaintenance(field(c, 'start_maintenance').machines)
      return undefined
    case 'STOP_MAINTENANCE':
      master.stopMaintenance(field(c, 'stop_maintenance').machines)
      return undefined
    case 'RESERVE_RESOURCES':
    case 'UNRESERVE_RESOURCES':
    case 'CREATE_VOLUMES':
    case 'DESTROY_VOLUMES': {
      const name = type.toLowerCase()
      const body = field(c, name)
      const agentId = (body.agent_id as { value?: unknown } | undefined)?.value
      if (typeof agentId !== 'string')
        throw new CallError(400, `Failed to validate master::Call: '${name}.agent_id.value' must be the agent's id`)
      const list = type.endsWith('VOLUMES') ? 'volumes' : 'resources'
      const kind =
        type === 'RESERVE_RESOURCES'
          ? 'RESERVE'
          : type === 'UNRESERVE_RESOURCES'
            ? 'UNRESERVE'
            : type === 'CREATE_VOLUMES'
              ? 'CREATE'
              : 'DESTROY'
      master.operatorResources(kind, agentId, resourceList(body[list], `${name}.${list}`))
      return undefined
    }
    case 'GET_QUOTA':
      return { type, get_quota: { status: { configs: master.getQuota() } } }
    case 'UPDATE_QUOTA': {
      const uq = c.update_quota
      if (!uq || typeof uq !== 'object' || Array.isArray(uq))
        throw new CallError(400, "Failed to validate master::Call: Expecting 'update_quota' to be present")
      const { quota_configs: configs, force } = uq as Record<string, unknown>
      master.updateQuota(parseQuotaConfigs(configs ?? []), force === true)
      return undefined
    }
    case 'UNKNOWN':
      throw new CallError(
        400,
        "Failed to validate master::Call: received a call of type 'UNKNOWN'; set 'type' to a call such as GET_STATE",
      )
    default:
      throw new CallError(
        400,
        `Failed to validate master::Call: call type '${type}' is not supported by this master (supported: GET_HEALTH, GET_VERSION, GET_STATE, GET_AGENTS, GET_FRAMEWORKS, GET_TASKS, GET_ROLES, GET_WEIGHTS, UPDATE_WEIGHTS, GET_QUOTA, UPDATE_QUOTA, RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES, GET_MAINTENANCE_SCHEDULE, GET_MAINTENANCE_STATUS, UPDATE_MAINTENANCE_SCHEDULE, START_MAINTENANCE, STOP_MAINTENANCE)`,
      )
  }
}

type View = ReturnType<Master['operatorView']>

/** A JSON list of mesos.v1.Resource, checked for the fields the arithmetic needs. @throws CallError 400 */
function resourceList(value: unknown, where: string): Resource[] {
  if (!Array.isArray(value) || value.length === 0)
    throw new CallError(
      400,
      `Failed to validate master::Call: '${where}' must be a non-empty array of resources such as {"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"kafka"}]}`,
    )
  return value.map((r, i) => {
    const x = r as Resource
    if (!x || typeof x !== 'object' || typeof x.name !== 'string' || !['SCALAR', 'RANGES', 'SET'].includes(x.type))
      throw new CallError(
        400,
        `Failed to validate master::Call: '${where}[${i}]' needs a 'name' and a 'type' of SCALAR, RANGES or SET`,
      )
    if (
      x.type === 'SCALAR' &&
      !(typeof x.scalar?.value === 'number' && Number.isFinite(x.scalar.value) && x.scalar.value > 0)
    )
      throw new CallError(
        400,
        `Failed to validate master::Call: '${where}[${i}].scalar.value' must be a number above 0`,
      )
    if (x.reservations !== undefined && !Array.isArray(x.reservations))
      throw new CallError(400, `Failed to validate master::Call: '${where}[${i}].reservations' must be an array`)
    return x
  })
}

/** The call's `name` object (e.g. `start_maintenance`). @throws CallError 400 when it is missing or not an object */
function field(c: Record<string, unknown>, name: string): Record<string, unknown> {
  const v = c[name]
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new CallError(400, `Failed to validate master::Call: Expecting '${name}' to be present`)
  return v as Record<string, unknown>
}

/** GET_AGENTS: registered agents, plus `unreachable_agents` (ours) for agents marked unreachable. */
function getAgents(v: View) {
  return { agents: v.agents, recovered_agents: [], unreachable_agents: v.unreachable_agents }
}

/** GET_TASKS: tasks on agents marked unreachable go to `unreachable_tasks`, as Mesos. */
function getTasks(v: View) {
  return {
    tasks: v.tasks.filter((t) => t.state !== 'TASK_UNREACHABLE'),
    unreachable_tasks: v.tasks.filter((t) => t.state === 'TASK_UNREACHABLE'),
  }
}
