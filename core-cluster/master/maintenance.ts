/** Mesos maintenance primitives, the pure state: the schedule, machine modes and inverse-offer answers. */

import { KmError } from '../../errors/index.js'
import type { Id, MachineID, Unavailability } from '../proto/index.js'

/**
 * Mesos maintenance primitives, the master's side (Mesos `master/maintenance.cpp`, docs
 * "Maintenance Primitives"): a schedule of windows, each a set of machines and an unavailability;
 * every scheduled machine is DRAINING until an operator starts maintenance (DOWN: its agents are
 * removed and may not register) and stops it (UP again, and off the schedule). The four legal moves:
 * UP → DRAINING (scheduled), DRAINING → UP (unscheduled), DRAINING → DOWN (START_MAINTENANCE),
 * DOWN → UP (STOP_MAINTENANCE). Frameworks' answers to inverse offers are kept per draining machine.
 * This module is pure state; the master applies its consequences (offers, inverse offers, agents).
 */

export type MachineMode = 'UP' | 'DRAINING' | 'DOWN'

/** maintenance.proto Window: machines and when they may become unavailable. */
export interface Window {
  machine_ids: MachineID[]
  unavailability: Unavailability
}

/** maintenance.proto Schedule. */
export interface Schedule {
  windows: Window[]
}

/** mesos.v1.allocator.InverseOfferStatus: a framework's last answer for one draining machine. */
export interface InverseOfferStatus {
  status: 'UNKNOWN' | 'ACCEPT' | 'DECLINE'
  framework_id: Id
  timestamp: { nanoseconds: number }
}

/** maintenance.proto ClusterStatus (GET_MAINTENANCE_STATUS). */
export interface ClusterStatus {
  draining_machines: Array<{ id: MachineID; statuses: InverseOfferStatus[] }>
  down_machines: MachineID[]
}

/** What the registry keeps: the schedule and the machines that are DOWN. */
export interface MaintenanceRecord {
  schedule: Schedule
  down: MachineID[]
}

/** A maintenance call that breaks Mesos's rules; the message names the machine and the rule. */
export class MaintenanceError extends KmError {
  constructor(message: string) {
    super('KM_ERR_MAINTENANCE', message)
  }
}

/** Canonical key of a machine: lower-case hostname and ip. */
export function machineKey(id: MachineID): string {
  return `${(id.hostname ?? '').toLowerCase()}|${id.ip ?? ''}`
}

function describe(id: MachineID): string {
  return [id.hostname, id.ip].filter(Boolean).join('/') || '(empty)'
}

/** Validates and normalizes one MachineID (Mesos: hostname or ip required; ip must be IPv4 dotted-quad). */
function checkMachine(id: unknown, where: string): MachineID {
  if (!id || typeof id !== 'object')
    throw new MaintenanceError(`${where}: a machine id must be an object {hostname, ip}`)
  const { hostname, ip } = id as { hostname?: unknown; ip?: unknown }
  if (hostname !== undefined && (typeof hostname !== 'string' || hostname === ''))
    throw new MaintenanceError(`${where}: 'hostname' must be a non-empty string`)
  if (
    ip !== undefined &&
    (typeof ip !== 'string' || !/^(\d{1,3})(\.\d{1,3}){3}$/.test(ip) || ip.split('.').some((o) => Number(o) > 255))
  ) {
    throw new MaintenanceError(`${where}: 'ip' must be an IPv4 address such as 10.0.0.1, got ${JSON.stringify(ip)}`)
  }
  if (hostname === undefined && ip === undefined)
    throw new MaintenanceError(`${where}: a machine needs a 'hostname' or an 'ip'`)
  return {
    ...(hostname !== undefined ? { hostname: (hostname as string).toLowerCase() } : {}),
    ...(ip !== undefined ? { ip: ip as string } : {}),
  }
}

function checkNanos(v: unknown, where: string): { nanoseconds: number } {
  const n = (v as { nanoseconds?: unknown } | undefined)?.nanoseconds
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
    throw new MaintenanceError(`${where}.nanoseconds must be a number >= 0`)
  return { nanoseconds: n }
}

/**
 * Checks a schedule as Mesos's `maintenance::validation::schedule` does: every window names at
 * least one machine, each machine has a hostname or an ip, no machine appears twice, and every
 * unavailability has a start (and a duration >= 0 if given).
 * @throws MaintenanceError naming the window and the problem
 */
export function parseSchedule(input: unknown): Schedule {
  if (!input || typeof input !== 'object') throw new MaintenanceError("'schedule' must be an object {windows: [...]}")
  const windows = (input as { windows?: unknown }).windows ?? []
  if (!Array.isArray(windows)) throw new MaintenanceError("'schedule.windows' must be an array")
  const seen = new Set<string>()
  return {
    windows: windows.map((w: unknown, i) => {
      const where = `schedule.windows[${i}]`
      const ids = (w as { machine_ids?: unknown } | undefined)?.machine_ids
      if (!Array.isArray(ids) || ids.length === 0)
        throw new MaintenanceError(`${where}.machine_ids must list at least one machine`)
      const u = (w as { unavailability?: unknown }).unavailability as
        | { start?: unknown; duration?: unknown }
        | undefined
      if (!u || typeof u !== 'object')
        throw new MaintenanceError(
          `${where}.unavailability is required ({start: {nanoseconds}, duration: {nanoseconds}})`,
        )
      const unavailability: Unavailability = { start: checkNanos(u.start, `${where}.unavailability.start`) }
      if (u.duration !== undefined) unavailability.duration = checkNanos(u.duration, `${where}.unavailability.duration`)
      const machine_ids = ids.map((id, j) => {
        const m = checkMachine(id, `${where}.machine_ids[${j}]`)
        const key = machineKey(m)
        if (seen.has(key))
          throw new MaintenanceError(
            `machine ${describe(m)} appears more than once in the schedule; a machine may be in one window only`,
          )
        seen.add(key)
        return m
      })
      return { machine_ids, unavailability }
    }),
  }
}

/** Parses the `machines` list of START_MAINTENANCE / STOP_MAINTENANCE. @throws MaintenanceError */
export function parseMachines(input: unknown, field: string): MachineID[] {
  if (!Array.isArray(input) || input.length === 0)
    throw new MaintenanceError(`'${field}' must list at least one machine {hostname, ip}`)
  return input.map((m, i) => checkMachine(m, `${field}[${i}]`))
}

/** The cluster's maintenance state. */
export class Maintenance {
  private schedule: Schedule = { windows: [] }
  private readonly down = new Map<string, MachineID>()
  /** machine key → framework id → last answer */
  private readonly answers = new Map<string, Map<string, InverseOfferStatus>>()

  /** The current schedule (a copy). */
  getSchedule(): Schedule {
    return structuredClone(this.schedule)
  }

  /**
   * Replaces the schedule. Machines new to it go DRAINING; machines dropped from it go UP (their
   * inverse-offer answers are forgotten). A DOWN machine must stay scheduled (Mesos: stop its
   * maintenance first).
   * @returns the machines that started draining and those that went back UP
   * @throws MaintenanceError for an invalid schedule or a DOWN machine left out
   */
  updateSchedule(input: unknown): { draining: MachineID[]; up: MachineID[] } {
    const next = parseSchedule(input)
    const nextKeys = new Map(next.windows.flatMap((w) => w.machine_ids.map((m) => [machineKey(m), m] as const)))
    for (const [key, m] of this.down)
      if (!nextKeys.has(key))
        throw new MaintenanceError(
          `machine ${describe(m)} is DOWN and cannot be removed from the schedule; STOP_MAINTENANCE it first`,
        )
    const before = new Map(this.scheduled().map((m) => [machineKey(m), m] as const))
    this.schedule = next
    const draining = [...nextKeys].filter(([k]) => !before.has(k)).map(([, m]) => m)
    const up = [...before].filter(([k]) => !nextKeys.has(k)).map(([, m]) => m)
    for (const m of up) this.answers.delete(machineKey(m))
    return { draining, up }
  }

  /**
   * START_MAINTENANCE: the machines go DOWN. Each must be scheduled and not DOWN already.
   * @throws MaintenanceError naming the first machine that is not DRAINING
   */
  start(input: unknown): MachineID[] {
    const machines = parseMachines(input, 'start_maintenance.machines')
    const scheduled = new Set(this.scheduled().map(machineKey))
    for (const m of machines) {
      if (!scheduled.has(machineKey(m)))
        throw new MaintenanceError(
          `machine ${describe(m)} is not in the maintenance schedule; add it with UPDATE_MAINTENANCE_SCHEDULE first`,
        )
      if (this.down.has(machineKey(m))) throw new MaintenanceError(`machine ${describe(m)} is already DOWN`)
    }
    for (const m of machines) {
      this.down.set(machineKey(m), m)
      this.answers.delete(machineKey(m))
    }
    return machines
  }

  /**
   * STOP_MAINTENANCE: the machines come back UP and leave the schedule (empty windows are dropped).
   * @throws MaintenanceError naming the first machine that is not DOWN
   */
  stop(input: unknown): MachineID[] {
    const machines = parseMachines(input, 'stop_maintenance.machines')
    for (const m of machines)
      if (!this.down.has(machineKey(m)))
        throw new MaintenanceError(`machine ${describe(m)} is not DOWN; only machines in maintenance can be stopped`)
    const keys = new Set(machines.map(machineKey))
    for (const k of keys) this.down.delete(k)
    this.schedule = {
      windows: this.schedule.windows
        .map((w) => ({ ...w, machine_ids: w.machine_ids.filter((m) => !keys.has(machineKey(m))) }))
        .filter((w) => w.machine_ids.length > 0),
    }
    return machines
  }

  /** The scheduled machine that an agent at `hostname`/`ip` is on: every field the machine id names must match. */
  machineOf(hostname: string, ip?: string): { id: MachineID; unavailability: Unavailability } | undefined {
    for (const w of this.schedule.windows) {
      for (const m of w.machine_ids) {
        if (m.hostname !== undefined && m.hostname !== hostname.toLowerCase()) continue
        if (m.ip !== undefined && m.ip !== ip && m.ip !== hostname) continue
        return { id: m, unavailability: w.unavailability }
      }
    }
    return undefined
  }

  /** Mode of the machine an agent at `hostname`/`ip` is on. */
  modeOf(hostname: string, ip?: string): MachineMode {
    const m = this.machineOf(hostname, ip)
    if (!m) return 'UP'
    return this.down.has(machineKey(m.id)) ? 'DOWN' : 'DRAINING'
  }

  /** Records a framework's answer to an inverse offer for a draining machine (ignored otherwise). */
  answer(machine: MachineID, frameworkId: string, status: InverseOfferStatus['status'], nowMs = Date.now()): void {
    const key = machineKey(machine)
    if (this.down.has(key) || !this.scheduled().some((m) => machineKey(m) === key)) return
    let byFramework = this.answers.get(key)
    if (!byFramework) this.answers.set(key, (byFramework = new Map()))
    byFramework.set(frameworkId, {
      status,
      framework_id: { value: frameworkId },
      timestamp: { nanoseconds: nowMs * 1e6 },
    })
  }

  /** GET_MAINTENANCE_STATUS: draining machines with the frameworks' answers, and the DOWN machines. */
  status(): ClusterStatus {
    return {
      draining_machines: this.scheduled()
        .filter((m) => !this.down.has(machineKey(m)))
        .map((id) => ({ id, statuses: [...(this.answers.get(machineKey(id))?.values() ?? [])] })),
      down_machines: [...this.down.values()],
    }
  }

  /** What the registry stores (inverse-offer answers are not kept across failovers, as in Mesos). */
  record(): MaintenanceRecord {
    return { schedule: this.getSchedule(), down: [...this.down.values()] }
  }

  /** Restores a stored record (after an HA election). @throws MaintenanceError for a record that is not valid */
  restore(rec: MaintenanceRecord): void {
    this.schedule = parseSchedule(rec.schedule)
    this.down.clear()
    for (const m of rec.down ?? []) this.down.set(machineKey(m), m)
    this.answers.clear()
  }

  private scheduled(): MachineID[] {
    return this.schedule.windows.flatMap((w) => w.machine_ids)
  }
}
