/** `kafka-mesos maintenance schedule`: schedule machines for maintenance: they start DRAINING, and frameworks running there are asked to leave. */
import { Args, Flags } from '@oclif/core'

import { parsePeriod, type ValueError } from '../../../contract/index.js'
import { MaintenanceCommand, machineName, masterFlags, parseMachineList } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `maintenance schedule <machines>`: adds a maintenance window; the machines start DRAINING. */
export default class MaintenanceSchedule extends MaintenanceCommand {
  static summary =
    'Schedule machines for maintenance: they start DRAINING, and frameworks running there are asked to leave.'
  static description = `Adds a window (the machines, a start and a duration) to the master's maintenance schedule
(Mesos UPDATE_MAINTENANCE_SCHEDULE); the windows already there are kept. Machines are host names or
IPv4 addresses as the agents registered them. A machine may be in one window only.`
  static examples = [
    '<%= config.bin %> maintenance schedule 127.0.1.3 --start +10m --duration 2h',
    '<%= config.bin %> maintenance schedule host-a,host-b --start 2026-11-23T02:00:00Z --duration 30m --json',
  ]
  static args = {
    machines: Args.string({ description: 'machines, comma-separated: host names or IPv4 addresses', required: true }),
  }
  static flags = {
    ...masterFlags,
    start: Flags.string({
      description: 'when the machines may become unavailable: an ISO-8601 time, "now", or +<period> such as +30m',
      default: 'now',
      helpValue: '<time|+period>',
    }),
    duration: Flags.string({
      description: 'how long they may be unavailable, a period such as 2h or 45m',
      default: '1h',
      helpValue: '<period>',
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(MaintenanceSchedule)
    const machines = parseMachineList(args.machines)
    if (machines.length === 0) this.fail('machines: expected host names or IPv4 addresses such as host-a,10.0.0.2')
    const startMs = this.startTime(flags.start)
    let durationMs: number
    try {
      durationMs = parsePeriod(flags.duration, 'duration')
    } catch (e) {
      return this.fail(`--${(e as ValueError).message}`)
    }
    const schedule = await this.schedule(flags.master)
    const window = {
      machine_ids: machines,
      unavailability: { start: { nanoseconds: startMs * 1e6 }, duration: { nanoseconds: durationMs * 1e6 } },
    }
    const windows = [...schedule.windows, window]
    await this.operator(flags.master, {
      type: 'UPDATE_MAINTENANCE_SCHEDULE',
      update_maintenance_schedule: { schedule: { windows } },
    })
    const json = { scheduled: machines, unavailability: window.unavailability } as unknown as JsonValue
    if (!this.jsonEnabled())
      this.log(
        `machines ${machines.map(machineName).join(', ')} are DRAINING: unavailable from ${new Date(startMs).toISOString()} for ${flags.duration}`,
      )
    return json
  }

  private startTime(text: string): number {
    if (text === 'now') return Date.now()
    if (text.startsWith('+')) {
      try {
        return Date.now() + parsePeriod(text.slice(1), 'start')
      } catch (e) {
        return this.fail(`--${(e as ValueError).message}`)
      }
    }
    const t = Date.parse(text)
    if (Number.isNaN(t))
      this.fail(`--start: "${text}" is not a time; use an ISO-8601 time such as 2026-11-23T02:00:00Z, "now", or +30m`)
    return t
  }
}
