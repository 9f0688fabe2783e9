/** ACCEPT: a framework's offer operations applied in order (LAUNCH, LAUNCH_GROUP, RESERVE, UNRESERVE, CREATE, DESTROY). */

/**
 * As Mesos's master accepts offers (`src/master/master.cpp` `accept`, `_accept`;
 * `include/mesos/v1/scheduler/scheduler.proto` Call.Accept, `include/mesos/v1/mesos.proto`
 * Offer.Operation): the offers are taken (all valid or none), each operation uses what the ones
 * before it left of them, and the unused remainder is declined with the call's `filters`. Invalid
 * offers lose every task (TASK_LOST or TASK_DROPPED, REASON_INVALID_OFFERS); an invalid task gets
 * TASK_ERROR; an invalid resource operation is dropped (OPERATION_ERROR, when it has an id).
 */

import type { Logger } from 'pino'
import {
  addResources,
  containsResources,
  isTerminal,
  type OfferOperation,
  type OperationStatus,
  type Resource,
  type scheduler,
  subtractResources,
  type TaskInfo,
} from '../proto/index.js'
import type { AgentEntry, AgentRegistry } from './agents.js'
import { type FrameworkEntry, type Frameworks, hasCapability, partitionAware, roleOf } from './frameworks.js'
import type { Offers } from './offers.js'
import * as ops from './operations.js'
import type { Tasks } from './tasks.js'
import { validateResources, validateTask, validateTaskGroup } from './validation.js'

/** What ACCEPT needs of the rest of the master. */
export interface AcceptDeps {
  frameworks: Pick<Frameworks, 'send' | 'sendStatus'>
  agents: Pick<AgentRegistry, 'get' | 'send' | 'setTotal'>
  tasks: Tasks
  offers: Pick<Offers, 'take' | 'refuse'>
  log: Logger
  scheduleAllocation(): void
}

/** Applies ACCEPT calls. */
export class AcceptHandler {
  constructor(private readonly deps: AcceptDeps) {}

  /**
   * ACCEPT: the operations are applied in order to the offers' resources; what is left is declined
   * with `filters`.
   */
  accept(fw: FrameworkEntry, accept: NonNullable<scheduler.Call['accept']>): void {
    const taken = this.deps.offers.take(fw.id, accept.offer_ids ?? [])
    const operations = accept.operations ?? []
    if (typeof taken === 'string') {
      // Invalid offers: every task is LOST (DROPPED when partition-aware) with REASON_INVALID_OFFERS.
      const tasks = operations.flatMap((op) => [
        ...(op.launch?.task_infos ?? []),
        ...(op.launch_group?.task_group?.tasks ?? []),
      ])
      for (const t of tasks)
        this.deps.frameworks.sendStatus(fw, {
          task_id: t.task_id,
          state: partitionAware(fw) ? 'TASK_DROPPED' : 'TASK_LOST',
          reason: 'REASON_INVALID_OFFERS',
          message: taken,
          source: 'SOURCE_MASTER',
        })
      for (const op of operations) this.operationStatus(fw, op, undefined, 'OPERATION_DROPPED', taken)
      return
    }
    if (taken.length === 0) return
    const agentId = taken[0].offer.agent_id.value
    const agent = this.deps.agents.get(agentId)
    let remaining = taken.reduce<Resource[]>((acc, o) => addResources(acc, o.resources), [])
    for (const op of operations) {
      const type = op.type && op.type !== 'UNKNOWN' ? op.type : op.launch ? 'LAUNCH' : 'UNKNOWN'
      if (type === 'LAUNCH') remaining = this.launchTasks(fw, agent, agentId, op.launch?.task_infos ?? [], remaining)
      else if (type === 'LAUNCH_GROUP') remaining = this.launchGroup(fw, agent, agentId, op, remaining)
      else if (type === 'RESERVE' || type === 'UNRESERVE' || type === 'CREATE' || type === 'DESTROY')
        remaining = this.resourceOperation(fw, agent, op, type, remaining)
      else {
        this.deps.log.warn({ framework: fw.id, type }, 'unsupported offer operation dropped')
        this.operationStatus(fw, op, agentId, 'OPERATION_ERROR', `Unsupported offer operation '${type}'`)
      }
    }
    if (remaining.length > 0) this.deps.offers.refuse(fw.id, agentId, remaining, accept.filters?.refuse_seconds)
    this.deps.scheduleAllocation()
  }

  /** LAUNCH: each valid task goes to the agent; returns what is left of the offer. */
  private launchTasks(
    fw: FrameworkEntry,
    agent: AgentEntry | undefined,
    agentId: string,
    tasks: TaskInfo[],
    offered: Resource[],
  ): Resource[] {
    let remaining = offered
    for (const task of tasks) {
      const problem = agent
        ? validateTask(task, {
            agentId,
            offered: remaining,
            uses: () => launchResources(fw, task, agent),
            isLive: (id) => this.isLive(fw, id),
          })
        : 'Agent is gone'
      if (problem) {
        this.deps.log.warn({ framework: fw.id, task: task.task_id?.value, problem }, 'task rejected')
        this.deps.frameworks.sendStatus(fw, {
          task_id: task.task_id,
          state: 'TASK_ERROR',
          reason: 'REASON_TASK_INVALID',
          message: problem,
          source: 'SOURCE_MASTER',
          agent_id: { value: agentId },
        })
        continue
      }
      const used = launchResources(fw, task, agent!)
      remaining = subtractResources(remaining, used)
      const execKey = task.executor ? `${fw.id}/${task.executor.executor_id.value}` : undefined
      if (execKey && !agent!.executors.has(execKey)) agent!.executors.set(execKey, task.executor?.resources ?? [])
      this.deps.tasks.set({
        frameworkId: fw.id,
        agentId,
        info: task,
        state: 'TASK_STAGING',
        resources: task.resources ?? [],
      })
      this.deps.log.info(
        { framework: fw.id, task: task.task_id.value, agent: agentId, host: agent!.info.hostname },
        'launching task',
      )
      this.deps.agents.send(agent!, { type: 'RUN_TASK', run_task: { framework_info: fw.info, task } })
    }
    return remaining
  }

  /**
   * LAUNCH_GROUP: all tasks of the group or none (TASK_ERROR, REASON_TASK_GROUP_INVALID), under one
   * executor of type DEFAULT (the agent's built-in default executor). Resources: the tasks' plus the
   * executor's when it is new on the agent.
   */
  private launchGroup(
    fw: FrameworkEntry,
    agent: AgentEntry | undefined,
    agentId: string,
    op: OfferOperation,
    offered: Resource[],
  ): Resource[] {
    const group = op.launch_group
    const tasks = group?.task_group?.tasks ?? []
    const fail = (message: string): Resource[] => {
      this.deps.log.warn({ framework: fw.id, problem: message }, 'task group rejected')
      for (const t of tasks)
        this.deps.frameworks.sendStatus(fw, {
          task_id: t.task_id,
          state: 'TASK_ERROR',
          reason: 'REASON_TASK_GROUP_INVALID',
          message,
          source: 'SOURCE_MASTER',
          agent_id: { value: agentId },
        })
      return offered
    }
    if (!agent) return fail('Agent is gone')
    const problem = validateTaskGroup(group)
    if (problem) return fail(problem)
    const executor = { ...group!.executor, framework_id: { value: fw.id } }
    const execKey = `${fw.id}/${executor.executor_id.value}`
    const newExecutor = !agent.executors.has(execKey)
    let want: Resource[] = newExecutor ? (executor.resources ?? []) : []
    for (const t of tasks) {
      const problem = validateTask(
        { ...t, executor },
        {
          agentId,
          offered,
          uses: () => t.resources ?? [],
          isLive: (id) => this.isLive(fw, id),
          inGroup: true,
        },
      )
      if (problem) return fail(`Task '${t.task_id?.value}': ${problem}`)
      want = addResources(want, t.resources ?? [])
    }
    if (!containsResources(offered, want)) return fail('Task group uses more resources than offered')
    if (newExecutor) agent.executors.set(execKey, executor.resources ?? [])
    for (const t of tasks)
      this.deps.tasks.set({
        frameworkId: fw.id,
        agentId,
        info: { ...t, executor },
        state: 'TASK_STAGING',
        resources: t.resources ?? [],
      })
    this.deps.log.info(
      {
        framework: fw.id,
        executor: executor.executor_id.value,
        tasks: tasks.map((t) => t.task_id.value),
        agent: agentId,
      },
      'launching task group',
    )
    this.deps.agents.send(agent, {
      type: 'RUN_TASK_GROUP',
      run_task_group: { framework_info: fw.info, executor, task_group: { tasks } },
    })
    return subtractResources(offered, want)
  }

  /**
   * RESERVE, UNRESERVE, CREATE, DESTROY (./operations.ts): converts the offer's remainder and the
   * agent's total, then sends the agent its new checkpointed resources (it persists them and creates
   * or removes volume directories). Returns what is left of the offer.
   */
  private resourceOperation(
    fw: FrameworkEntry,
    agent: AgentEntry | undefined,
    op: OfferOperation,
    type: ops.ResourceOperation,
    offered: Resource[],
  ): Resource[] {
    if (!agent) {
      this.operationStatus(fw, op, undefined, 'OPERATION_ERROR', 'Agent is gone')
      return offered
    }
    const ctx = {
      role: roleOf(fw),
      principal: fw.info.principal,
      agentTotal: agent.total,
      refinement: hasCapability(fw, 'RESERVATION_REFINEMENT'),
    }
    const resources =
      type === 'RESERVE'
        ? op.reserve?.resources
        : type === 'UNRESERVE'
          ? op.unreserve?.resources
          : type === 'CREATE'
            ? op.create?.volumes
            : op.destroy?.volumes
    const bad = validateResources(
      resources,
      `${type.toLowerCase()}.${type === 'CREATE' || type === 'DESTROY' ? 'volumes' : 'resources'}`,
    )
    const c = bad ? { error: bad } : ops.convert(type, ctx, offered, resources)
    if ('error' in c) {
      this.deps.log.warn({ framework: fw.id, agent: agent.id, problem: c.error }, 'offer operation dropped')
      this.operationStatus(fw, op, agent.id, 'OPERATION_ERROR', c.error)
      return offered
    }
    this.deps.log.info(
      { framework: fw.id, agent: agent.id, operation: type, resources: c.produced.length },
      'offer operation applied',
    )
    this.deps.agents.setTotal(agent, ops.applyConversion(agent.total, c))
    this.operationStatus(fw, op, agent.id, 'OPERATION_FINISHED', undefined, c.produced)
    return ops.applyConversion(offered, c)
  }

  /** UPDATE_OPERATION_STATUS for an operation that set `id` (feedback), as Mesos. */
  private operationStatus(
    fw: FrameworkEntry,
    op: OfferOperation,
    agentId: string | undefined,
    state: OperationStatus['state'],
    message?: string,
    converted?: Resource[],
  ): void {
    if (!op.id?.value) return
    const status: OperationStatus = {
      operation_id: op.id,
      state,
      ...(message ? { message } : {}),
      ...(agentId ? { agent_id: { value: agentId } } : {}),
      ...(converted ? { converted_resources: converted } : {}),
    }
    this.deps.frameworks.send(fw, { type: 'UPDATE_OPERATION_STATUS', update_operation_status: { status } })
  }

  /** True when the framework has a task with this id that is not terminal. */
  private isLive(fw: FrameworkEntry, taskId: string): boolean {
    const existing = this.deps.tasks.get(fw.id, taskId)
    return !!existing && !isTerminal(existing.state)
  }
}

/** Resources a launch consumes: the task's plus a new executor's own. */
function launchResources(fw: FrameworkEntry, task: TaskInfo, agent: AgentEntry): Resource[] {
  const execKey = task.executor ? `${fw.id}/${task.executor.executor_id.value}` : undefined
  const execRes = execKey && !agent.executors.has(execKey) ? (task.executor?.resources ?? []) : []
  return addResources(task.resources ?? [], execRes)
}
