/** Call validation, pure: FrameworkInfo roles, UPDATE_FRAMEWORK, task ids, TaskInfo, task groups, offer ids, acknowledgements. */

/**
 * As Mesos's `src/master/validation.cpp`: each check takes the call's message and what it needs of
 * the master's state (passed in as values or lookups), and returns the problem as the text the
 * master answers with, or undefined when the message is valid. Nothing here changes state.
 */

import {
  containsResources,
  type FrameworkInfo,
  type Offer,
  type OfferOperation,
  type Resource,
  scalarSum,
  type scheduler,
  type TaskInfo,
} from '../proto/index.js'
import { validateRoleName } from './allocator/index.js'

/** Mesos `NAME_MAX`: the longest task id (it names a sandbox directory). */
const TASK_ID_MAX = 255

/**
 * FrameworkInfo role checks (`framework::internal::validateRoles`): `roles` and the deprecated `role`
 * are mutually exclusive, no role twice, each a valid role name (`docs/roles.md`).
 * @returns the problem, or undefined
 */
export function validateFrameworkRoles(info: FrameworkInfo): string | undefined {
  if (info.roles && info.roles.length > 0 && info.role && info.role !== '*')
    return "'roles' and the deprecated 'role' are mutually exclusive"
  const roles = info.roles && info.roles.length > 0 ? info.roles : [info.role ?? '*']
  if (new Set(roles).size !== roles.length) return "'roles' contains duplicates"
  for (const r of roles) {
    const problem = validateRoleName(r)
    if (problem) return problem
  }
  return undefined
}

/**
 * UPDATE_FRAMEWORK checks (`include/mesos/v1/scheduler/scheduler.proto` Call.UpdateFramework): the
 * new FrameworkInfo names the framework's own id; `principal`, `user` and `checkpoint` do not change;
 * the roles are valid; the suppressed roles are among the framework's roles.
 * @param frameworkId the id of the framework that calls
 * @param current its FrameworkInfo now
 * @returns the whole 400 answer, or undefined
 */
export function validateFrameworkUpdate(
  frameworkId: string,
  current: FrameworkInfo,
  update: NonNullable<scheduler.Call['update_framework']>,
): string | undefined {
  const info = update.framework_info
  if (info.id?.value !== frameworkId)
    return `Updating framework ${frameworkId} failed: 'update_framework.framework_info.id' must equal 'framework_id'`
  for (const field of ['principal', 'user', 'checkpoint'] as const) {
    const before = current[field] ?? (field === 'checkpoint' ? false : undefined)
    const after = info[field] ?? (field === 'checkpoint' ? false : undefined)
    if (before !== after)
      return `Updating framework ${frameworkId} failed: updating 'FrameworkInfo.${field}' is unsupported`
  }
  const problem = validateFrameworkRoles(info)
  if (problem) return `Updating framework ${frameworkId} failed: ${problem}`
  const role = info.roles?.[0] ?? info.role ?? '*'
  const unknown = (update.suppressed_roles ?? []).find((r) => r !== role)
  if (unknown !== undefined)
    return `Updating framework ${frameworkId} failed: suppressed role '${unknown}' is not one of the framework's roles`
  return undefined
}

/**
 * Task id checks (`task::internal::validateTaskID`): not empty, not `.` or `..`, no `/`, `\` or
 * control character, at most 255 characters.
 * @returns the problem, or undefined
 */
export function validateTaskId(id: string): string | undefined {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Mesos refuses task ids with control characters
  if (!id || id === '.' || id === '..' || /[/\\\x00-\x1f]/.test(id) || id.length > TASK_ID_MAX)
    return `Task ID '${id}' is invalid`
  return undefined
}

/** What a TaskInfo is checked against. */
export interface TaskContext {
  /** the agent the offers are for */
  agentId: string
  /** what is left of the offers */
  offered: Resource[]
  /** what the launch takes: the task's resources, plus a new executor's own outside a group (asked last) */
  uses: () => Resource[]
  /** true when the framework has a task with this id that is not terminal */
  isLive: (taskId: string) => boolean
  /** a task of a LAUNCH_GROUP: the group's executor runs it, so it has a `command` and may use nothing */
  inGroup?: boolean
}

/**
 * TaskInfo checks (`task::internal::validateTask`, in Mesos's order): the task id; exactly one of
 * CommandInfo and ExecutorInfo (outside a group); the offer's agent; no live task with the same id;
 * valid resources ({@link validateResources}: a negative amount would add to the offer); some cpus
 * or mem (outside a group); no more than offered.
 * @returns the problem (the TASK_ERROR message), or undefined
 */
export function validateTask(task: TaskInfo, ctx: TaskContext): string | undefined {
  const id = task.task_id?.value ?? ''
  const badId = validateTaskId(id)
  if (badId) return badId
  if (!ctx.inGroup && !!task.executor === !!task.command)
    return 'Task should have at least one (but not both) of CommandInfo or ExecutorInfo present'
  if (task.agent_id?.value !== ctx.agentId)
    return `Task uses agent ${task.agent_id?.value} but the offer is for agent ${ctx.agentId}`
  if (ctx.isLive(id)) return `Task has a duplicate ID: ${id}`
  const bad =
    validateResources(task.resources, 'task.resources') ??
    validateResources(task.executor?.resources, 'task.executor.resources')
  if (bad) return bad
  const want = ctx.uses()
  if (!ctx.inGroup && scalarSum(want, 'cpus') <= 0 && scalarSum(want, 'mem') <= 0) return 'Task uses no resources'
  if (!containsResources(ctx.offered, want)) return 'Task uses more resources than offered'
  return undefined
}

/**
 * LAUNCH_GROUP's own checks (`task::group::validate`), before each task's: an executor with an id,
 * of type DEFAULT (the agent's built-in default executor) and without a command; at least one task;
 * each task with a `command`, without an `executor`, and its id once in the group.
 * @returns the problem (the message of every task's TASK_ERROR), or undefined
 */
export function validateTaskGroup(group: OfferOperation['launch_group']): string | undefined {
  const tasks = group?.task_group?.tasks ?? []
  if (!group?.executor?.executor_id?.value) return "LAUNCH_GROUP needs 'launch_group.executor' with an executor_id"
  if (tasks.length === 0) return "LAUNCH_GROUP needs at least one task in 'launch_group.task_group.tasks'"
  const executor = group.executor
  if ((executor.type ?? 'DEFAULT') !== 'DEFAULT')
    return `LAUNCH_GROUP supports executors of type DEFAULT only, got ${executor.type}`
  if (executor.command) return 'An executor of type DEFAULT must not have a command: the agent runs its own'
  const bad = validateResources(executor.resources, 'launch_group.executor.resources')
  if (bad) return bad
  const ids = new Set<string>()
  for (const t of tasks) {
    if (t.executor)
      return `Task '${t.task_id?.value}' of a group must not have 'executor': the group's executor runs it`
    if (!t.command) return `Task '${t.task_id?.value}' of a group needs a 'command'`
    if (ids.has(t.task_id?.value)) return `Duplicate task id '${t.task_id?.value}' in the group`
    ids.add(t.task_id?.value)
  }
  return undefined
}

/**
 * The offer ids of an ACCEPT (`offer::validate`): each once, each outstanding, each the calling
 * framework's, all on one agent.
 * @param lookup the outstanding offer with an id, if any
 * @returns the offers in the call's order, or the problem (the message of the TASK_LOST / OPERATION_DROPPED answers)
 */
export function validateOfferIds<T extends { offer: Offer }>(
  frameworkId: string,
  ids: ReadonlyArray<{ value: string }>,
  lookup: (offerId: string) => T | undefined,
): T[] | string {
  const seen = new Set<string>()
  const out: T[] = []
  for (const { value } of ids) {
    if (seen.has(value)) return `Duplicate offer ${value} in the call`
    seen.add(value)
    const entry = lookup(value)
    if (!entry) return `Offer ${value} is no longer valid`
    if (entry.offer.framework_id.value !== frameworkId) return `Offer ${value} belongs to another framework`
    out.push(entry)
  }
  if (new Set(out.map((o) => o.offer.agent_id.value)).size > 1) return 'Aggregated offers must belong to the same agent'
  return out
}

/**
 * ACKNOWLEDGE's uuid (`scheduler::call::validate`): the 16 bytes of a UUID, base64 in JSON.
 * @returns the whole 400 answer, or undefined
 */
export function validateAcknowledgeUuid(uuid: string): string | undefined {
  if (Buffer.from(uuid, 'base64').length !== 16) return "Failed to validate scheduler::Call: 'uuid' is not a valid UUID"
  return undefined
}

/**
 * The largest scalar a resource may hold: Mesos keeps scalars as fixed-point thousandths in an
 * int64 (`src/common/values.cpp`, `convertToFixed`); this is the largest number of thousandths a
 * double holds exactly (2^53 / 1000), e.g. 9 PB of mem in MB.
 */
export const MAX_SCALAR = Math.floor(Number.MAX_SAFE_INTEGER / 1000)

/** The resource names the cluster knows, with their type (Mesos `docs/attributes-resources.md`, "Predefined Uses"). */
export const KNOWN_RESOURCES: Readonly<Record<string, 'SCALAR' | 'RANGES'>> = {
  cpus: 'SCALAR',
  mem: 'SCALAR',
  disk: 'SCALAR',
  gpus: 'SCALAR',
  ports: 'RANGES',
}

/** The largest port a `ports` range may name. */
const MAX_PORT = 65_535

/**
 * Resource checks (`Resources::validate` in Mesos's `src/common/resources.cpp`, stricter): each
 * resource has a known name of its type (cpus, mem, disk, gpus are scalars; ports are ranges);
 * a scalar is a finite number from 0 to {@link MAX_SCALAR}; ranges are whole numbers, each
 * begin ≤ end, within 0..65535 for ports, and none overlaps another. Without these a negative
 * LAUNCH would add to an offer instead of taking from it.
 * @param where names the list in the message, e.g. `'agent_info.resources'`
 * @returns the problem naming the entry and the fix, or undefined
 */
export function validateResources(resources: readonly Resource[] | undefined, where: string): string | undefined {
  const list = resources ?? []
  for (let i = 0; i < list.length; i++) {
    const r = list[i]
    const at = `'${where}[${i}]'`
    const type = typeof r?.name === 'string' ? KNOWN_RESOURCES[r.name] : undefined
    if (!type || !Object.hasOwn(KNOWN_RESOURCES, r.name))
      return `Invalid resource ${at}: unknown name ${JSON.stringify(r?.name)}; known: ${Object.keys(KNOWN_RESOURCES).join(', ')}`
    if (r.type !== type) return `Invalid resource ${at}: ${r.name} is of type ${type}, got ${String(r.type)}`
    if (type === 'SCALAR') {
      const v = r.scalar?.value
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_SCALAR)
        return `Invalid scalar resource ${at}: ${r.name} must be a number from 0 to ${MAX_SCALAR}, got ${String(v)}`
    } else {
      const ranges = [...(r.ranges?.range ?? [])]
      for (const { begin, end } of ranges) {
        const max = r.name === 'ports' ? MAX_PORT : Number.MAX_SAFE_INTEGER
        if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || end > max || begin > end)
          return `Invalid ranges resource ${at}: ${r.name} range ${String(begin)}-${String(end)} must be whole numbers with 0 ≤ begin ≤ end ≤ ${max}`
      }
      ranges.sort((a, b) => a.begin - b.begin)
      for (let j = 1; j < ranges.length; j++)
        if (ranges[j].begin <= ranges[j - 1].end)
          return `Invalid ranges resource ${at}: ${r.name} ranges ${ranges[j - 1].begin}-${ranges[j - 1].end} and ${ranges[j].begin}-${ranges[j].end} overlap`
    }
  }
  return undefined
}

/**
 * REGISTER's resources: the agent's `--resources` and the reservations and volumes it checkpointed,
 * each by {@link validateResources}.
 * @returns the problem (the 400 answer), or undefined
 */
export function validateRegistration(reg: {
  agent_info: { resources?: Resource[] }
  checkpointed_resources?: Resource[]
}): string | undefined {
  const problem =
    validateResources(reg.agent_info.resources, 'register.agent_info.resources') ??
    validateResources(reg.checkpointed_resources, 'register.checkpointed_resources')
  return problem ? `Failed to validate agent::Call: ${problem}` : undefined
}
