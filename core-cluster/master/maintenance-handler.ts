/** The master's side of maintenance: schedule changes, inverse offers and their answers, machines going DOWN and UP. */

/**
 * Mesos maintenance primitives (`docs/maintenance.md`, `src/master/maintenance.cpp`,
 * `include/mesos/v1/maintenance/maintenance.proto`): ./maintenance.ts holds the schedule and the
 * machine modes; this module applies their consequences. Agents on a draining machine get their
 * offers rescinded (they come back with `unavailability`) and their frameworks an inverse offer;
 * agents on a machine that goes DOWN are removed and may not register until it is UP again.
 */

import type { Logger } from 'pino'
import type { agent as agentMsg, Unavailability } from '../proto/index.js'
import { isTerminal } from '../proto/index.js'
import type { AgentEntry, AgentRegistry } from './agents.js'
import { CallError } from './errors.js'
import { type FrameworkEntry, type Frameworks, partitionAware } from './frameworks.js'
import {
  type ClusterStatus,
  Maintenance,
  MaintenanceError,
  type MaintenanceRecord,
  type Schedule,
} from './maintenance.js'
import type { Offers } from './offers.js'
import type { Tasks } from './tasks.js'

/** What the maintenance handler needs of the rest of the master. */
export interface MaintenanceDeps {
  agents: Pick<AgentRegistry, 'values' | 'get' | 'send' | 'detach' | 'announceRemoved'>
  frameworks: Pick<Frameworks, 'get' | 'send' | 'sendStatus'>
  offers: Pick<Offers, 'rescindAgent'>
  tasks: Tasks
  /** a new offer id: inverse offers are numbered with the offers (`<offer id>-inverse`) */
  mintOfferId(): string
  log: Logger
  /** Registry hook (HA): called after every change of the schedule or the machine modes. */
  onMaintenanceUpdated?: (record: MaintenanceRecord) => void | Promise<void>
  scheduleAllocation(): void
}

/** The maintenance schedule with its consequences, and the outstanding inverse offers. */
export class MaintenanceHandler {
  private readonly maintenance = new Maintenance()
  /** Outstanding inverse offers: id → framework and agent. */
  private readonly inverseOffers = new Map<string, { frameworkId: string; agentId: string }>()

  constructor(private readonly deps: MaintenanceDeps) {}

  /** GET_MAINTENANCE_SCHEDULE */
  schedule(): Schedule {
    return this.maintenance.getSchedule()
  }

  /** GET_MAINTENANCE_STATUS */
  status(): ClusterStatus {
    return this.maintenance.status()
  }

  /** The unavailability of the machine an agent at `hostname` is on, when it is scheduled (offers carry it). */
  unavailabilityOf(hostname: string): Unavailability | undefined {
    return this.maintenance.machineOf(hostname)?.unavailability
  }

  /**
   * Refuses the registration of an agent on a machine that is DOWN for maintenance (call it before
   * opening the agent's event stream).
   * @throws CallError 403 naming the machine
   */
  checkAgentMayRegister(call: agentMsg.Call): void {
    const host = call.register?.agent_info.hostname
    if (host && this.maintenance.modeOf(host) === 'DOWN')
      throw new CallError(
        403,
        `Agent ${host} is on a machine in maintenance (DOWN); it may register after STOP_MAINTENANCE`,
      )
  }

  /**
   * UPDATE_MAINTENANCE_SCHEDULE: replaces the schedule. Agents on machines that start draining get
   * their outstanding offers rescinded (they come back with `unavailability`) and their frameworks
   * an inverse offer; inverse offers for machines taken off the schedule are rescinded.
   * @throws CallError 400 naming the machine and the rule broken
   */
  updateSchedule(schedule: unknown): void {
    const { draining, up } = asCallError(() => this.maintenance.updateSchedule(schedule))
    this.deps.log.info({ draining: draining.length, up: up.length }, 'maintenance schedule updated')
    for (const agent of this.deps.agents.values()) {
      const mode = this.maintenance.modeOf(agent.info.hostname)
      if (mode === 'DRAINING') {
        this.deps.offers.rescindAgent(agent.id)
        this.sendInverseOffers(agent)
      } else this.rescindInverseOffers(agent.id)
    }
    this.changed()
  }

  /**
   * START_MAINTENANCE: the machines go DOWN. Their agents are removed as Mesos does for machines in
   * maintenance: each task there is reported TASK_GONE_BY_OPERATOR (partition-aware frameworks) or
   * TASK_LOST, REASON_AGENT_REMOVED_BY_OPERATOR; the agent is told to shut its frameworks down and
   * may not register until STOP_MAINTENANCE.
   * @throws CallError 400 for a machine that is not scheduled or already DOWN
   */
  start(machines: unknown): void {
    asCallError(() => this.maintenance.start(machines))
    for (const agent of [...this.deps.agents.values()])
      if (this.maintenance.modeOf(agent.info.hostname) === 'DOWN') this.removeAgent(agent)
    this.changed()
  }

  /** STOP_MAINTENANCE: the machines are UP and off the schedule. @throws CallError 400 for a machine that is not DOWN */
  stop(machines: unknown): void {
    const up = asCallError(() => this.maintenance.stop(machines))
    this.deps.log.info({ machines: up }, 'maintenance stopped: machines are UP and may register agents again')
    this.changed()
  }

  /** Restores the registry's maintenance record after an HA election. @throws MaintenanceError for a record that is not valid */
  recover(record: MaintenanceRecord): void {
    this.maintenance.restore(record)
    this.deps.log.info(
      { windows: record.schedule.windows.length, down: record.down.length },
      'recovered the maintenance schedule from the registry',
    )
  }

  /** Sends an inverse offer for `agent` to each framework running something there, if its machine is draining and it has none yet. */
  sendInverseOffers(agent: AgentEntry): void {
    const machine = this.maintenance.machineOf(agent.info.hostname)
    if (!machine || this.maintenance.modeOf(agent.info.hostname) !== 'DRAINING') return
    const users = new Set<string>()
    for (const t of this.deps.tasks.values())
      if (t.agentId === agent.id && !isTerminal(t.state)) users.add(t.frameworkId)
    for (const k of agent.executors.keys()) users.add(k.slice(0, k.indexOf('/')))
    for (const fwId of users) {
      if ([...this.inverseOffers.values()].some((o) => o.agentId === agent.id && o.frameworkId === fwId)) continue
      const fw = this.deps.frameworks.get(fwId)
      if (!fw) continue
      const id = `${this.deps.mintOfferId()}-inverse`
      this.inverseOffers.set(id, { frameworkId: fwId, agentId: agent.id })
      this.deps.log.info(
        { framework: fwId, agent: agent.id, host: agent.info.hostname },
        'inverse offer: the machine is scheduled for maintenance',
      )
      this.deps.frameworks.send(fw, {
        type: 'INVERSE_OFFERS',
        inverse_offers: {
          inverse_offers: [
            {
              id: { value: id },
              framework_id: { value: fwId },
              agent_id: { value: agent.id },
              unavailability: machine.unavailability,
            },
          ],
        },
      })
    }
  }

  /** ACCEPT_INVERSE_OFFERS / DECLINE_INVERSE_OFFERS: the answer is recorded for GET_MAINTENANCE_STATUS; unknown ids are ignored (Mesos). */
  answerInverseOffers(fw: FrameworkEntry, ids: ReadonlyArray<{ value: string }>, status: 'ACCEPT' | 'DECLINE'): void {
    for (const { value } of ids) {
      const o = this.inverseOffers.get(value)
      if (!o || o.frameworkId !== fw.id) continue
      this.inverseOffers.delete(value)
      const agent = this.deps.agents.get(o.agentId)
      const machine = agent ? this.maintenance.machineOf(agent.info.hostname) : undefined
      if (machine) this.maintenance.answer(machine.id, fw.id, status)
      this.deps.log.info({ framework: fw.id, agent: o.agentId, answer: status }, 'inverse offer answered')
    }
  }

  /** A framework was torn down: its inverse offers are dropped. */
  forgetFramework(frameworkId: string): void {
    for (const [id, o] of this.inverseOffers) if (o.frameworkId === frameworkId) this.inverseOffers.delete(id)
  }

  private rescindInverseOffers(agentId: string): void {
    for (const [id, o] of this.inverseOffers) {
      if (o.agentId !== agentId) continue
      this.inverseOffers.delete(id)
      const fw = this.deps.frameworks.get(o.frameworkId)
      if (fw)
        this.deps.frameworks.send(fw, {
          type: 'RESCIND_INVERSE_OFFER',
          rescind_inverse_offer: { inverse_offer_id: { value: id } },
        })
    }
  }

  /** An agent on a machine that went DOWN leaves the cluster; its tasks are gone (by operator). */
  private removeAgent(agent: AgentEntry): void {
    this.deps.log.warn(
      { agent: agent.id, host: agent.info.hostname },
      'agent removed: its machine is DOWN for maintenance',
    )
    this.rescindInverseOffers(agent.id)
    const tasks = this.deps.tasks.onAgent(agent.id)
    for (const fwId of new Set(tasks.map((t) => t.frameworkId)))
      this.deps.agents.send(agent, {
        type: 'SHUTDOWN_FRAMEWORK',
        shutdown_framework: { framework_id: { value: fwId } },
      })
    this.deps.agents.detach(agent)
    for (const t of tasks) {
      this.deps.tasks.delete(t)
      const fw = this.deps.frameworks.get(t.frameworkId)
      if (fw)
        this.deps.frameworks.sendStatus(fw, {
          task_id: t.info.task_id,
          state: partitionAware(fw) ? 'TASK_GONE_BY_OPERATOR' : 'TASK_LOST',
          reason: 'REASON_AGENT_REMOVED_BY_OPERATOR',
          source: 'SOURCE_MASTER',
          agent_id: { value: agent.id },
          executor_id: t.info.executor?.executor_id,
          message: `Agent ${agent.info.hostname} is down for maintenance`,
        })
    }
    this.deps.agents.announceRemoved(agent)
  }

  private changed(): void {
    void this.deps.onMaintenanceUpdated?.(this.maintenance.record())
    this.deps.scheduleAllocation()
  }
}

/** Runs a maintenance state change, answering a broken rule as a 400. */
function asCallError<T>(f: () => T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof MaintenanceError) throw new CallError(400, `Failed to validate master::Call: ${e.message}`)
    throw e
  }
}
