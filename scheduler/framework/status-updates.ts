/** Status updates: TaskStatus → node state (brokers/state-machine.ts decides), and the I/O each reaction needs. */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import type { TaskStatus } from '../../core-cluster/proto/index.js'
import {
  applyStatus,
  giveUpUnreachable,
  hasControllerRole,
  type Reaction,
  unreachableGiveUpAt,
} from '../brokers/index.js'
import type { TryCall } from './master-calls.js'
import { orphanVerdict } from './orphan-tasks.js'
import { dropStaleConfigsOnceRunning } from './stale-configs.js'

/** What status handling needs from the scheduler. */
export interface StatusContext {
  nodes(): KafkaNode[]
  tryCall: TryCall
  save(): Promise<void>
  /** kills a node's task (KILL, or the `stop` message with `force`) */
  kill(node: KafkaNode, force: boolean): Promise<void>
  /** SUPPRESS or REVIVE as the nodes need (`force`: send it even if nothing changed) */
  reviveOrSuppress(force: boolean): Promise<void>
  log: Logger
}

/** True for reactions after which a host may be free and a node may need offers: REVIVE drops old refuse filters. */
export function freesHost(reaction: Reaction): boolean {
  return reaction.kind === 'failed' || reaction.kind === 'lost' || reaction.kind === 'stopped'
}

/**
 * Applies status updates to the nodes, as mesos/kafka's `BrokerLifecycleManager.onBrokerStatus`
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/BrokerLifecycleManager.scala`): the pure
 * decision is brokers/state-machine.ts `applyStatus`; here are the logs and the I/O its reactions
 * need (a KILL again for a node being stopped, a REVIVE when a controller runs, dropping stale live
 * configs), the orphan rule (orphan-tasks.ts), and the timers of unreachable agents.
 */
export class StatusUpdates {
  /** task id → timer that gives the task up when its agent stays unreachable (in memory; re-armed by reconciliation) */
  private readonly unreachableTimers = new Map<string, NodeJS.Timeout>()

  constructor(private readonly ctx: StatusContext) {}

  /**
   * Applies one status update to the node that owns its task, and carries out the reaction.
   * @returns the reaction, or undefined for a task no node owns (then it was re-attached or killed)
   */
  async apply(status: TaskStatus): Promise<Reaction | undefined> {
    const { ctx } = this
    const taskId = status.task_id.value
    const node = this.findByTask(taskId)
    if (!node) {
      await this.onOrphan(status)
      return undefined
    }
    const before = node.task?.state
    const reaction = applyStatus(node, status)
    if (reaction.kind !== 'unreachable' && this.unreachableTimers.has(taskId)) {
      clearTimeout(this.unreachableTimers.get(taskId))
      this.unreachableTimers.delete(taskId)
    }
    const log = {
      nodeId: node.id,
      role: node.role,
      task: taskId,
      state: status.state,
      reason: status.reason,
      message: status.message,
    }
    switch (reaction.kind) {
      case 'running':
        ctx.log.info({ ...log, endpoint: node.task?.endpoint }, `${node.role} ${node.id} is running`)
        if (hasControllerRole(node)) await ctx.tryCall({ type: 'REVIVE', revive: {} })
        if (node.staleDynamicConfigs) void dropStaleConfigsOnceRunning(node, taskId, () => ctx.save(), ctx.log)
        break
      case 'stopped':
        ctx.log.info(log, `${node.role} ${node.id} stopped`)
        break
      case 'lost':
        ctx.log.warn(
          log,
          `${node.role} ${node.id}: the master does not know its task any more; ${node.active ? 'starting it again' : 'it stays stopped'}`,
        )
        break
      case 'unreachable':
        this.onUnreachable(node)
        break
      case 'failed':
        ctx.log.warn(
          { ...log, failures: node.failover.failures, deactivated: reaction.deactivated },
          reaction.deactivated
            ? `${node.role} ${node.id} failed: failure limit exceeded, deactivating broker`
            : `${node.role} ${node.id} failed; it will be restarted after the failover delay`,
        )
        break
      case 'kill':
        await ctx.kill(node, false)
        break
      default:
        if (before !== node.task?.state) ctx.log.info(log, `${node.role} ${node.id} task ${node.task?.state}`)
    }
    return reaction
  }

  /** Clears the unreachable timers. */
  stop(): void {
    for (const t of this.unreachableTimers.values()) clearTimeout(t)
    this.unreachableTimers.clear()
  }

  private findByTask(taskId: string): KafkaNode | undefined {
    return this.ctx.nodes().find((n) => n.task?.id === taskId)
  }

  /**
   * A node's agent is unreachable (TASK_UNREACHABLE): the node keeps its task, is not restarted and
   * counts no failure, until the agent comes back (TASK_RUNNING again) or its stickiness period
   * passes (then giveUpUnreachable: placed again, anywhere; see brokers/state-machine.ts).
   */
  private onUnreachable(node: KafkaNode): void {
    const task = node.task!
    const at = unreachableGiveUpAt(node)!
    if (!this.unreachableTimers.has(task.id)) {
      this.ctx.log.warn(
        { nodeId: node.id, role: node.role, task: task.id, host: task.hostname, giveUpAt: new Date(at).toISOString() },
        `${node.role} ${node.id}: its agent is unreachable; waiting for it until its stickiness period ends`,
      )
      const timer = setTimeout(() => void this.expireUnreachable(task.id), Math.max(0, at - Date.now()))
      timer.unref()
      this.unreachableTimers.set(task.id, timer)
    }
  }

  private async expireUnreachable(taskId: string): Promise<void> {
    this.unreachableTimers.delete(taskId)
    const node = this.findByTask(taskId)
    if (!node) return
    const reaction = giveUpUnreachable(node)
    if (reaction.kind === 'none') return
    this.ctx.log.warn(
      { nodeId: node.id, role: node.role, task: taskId, reaction: reaction.kind },
      `${node.role} ${node.id}: its agent stayed unreachable for the stickiness period; ${node.active ? 'placing it again' : 'it stays stopped'}`,
    )
    await this.ctx.save()
    await this.ctx.reviveOrSuppress(true)
  }

  /** An update for a task no node owns: re-attach the node's last task if it runs, else kill it (orphan-tasks.ts). */
  private async onOrphan(status: TaskStatus): Promise<void> {
    const verdict = orphanVerdict(status, this.ctx.nodes())
    if (verdict.kind === 'ignore') return
    if (verdict.kind === 'reattach') {
      verdict.node.task = verdict.task
      this.ctx.log.info({ nodeId: verdict.node.id, task: verdict.task.id }, 're-attached a running task')
      return
    }
    this.ctx.log.warn({ task: status.task_id.value, state: status.state }, 'killing a task no node owns')
    await this.ctx.tryCall({ type: 'KILL', kill: { task_id: status.task_id, agent_id: status.agent_id } })
  }
}
