/** `kafka-mesos maintenance unschedule`: take machines off the maintenance schedule: DRAINING machines are UP again. */
import { Args } from '@oclif/core'
import { MaintenanceCommand, machineName, masterFlags, parseMachineList } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `maintenance unschedule <machines>`: takes DRAINING machines off the schedule (UP again). */
export default class MaintenanceUnschedule extends MaintenanceCommand {
  static summary = 'Take machines off the maintenance schedule: DRAINING machines are UP again.'
  static description = `Removes the machines from their windows (Mesos UPDATE_MAINTENANCE_SCHEDULE); empty windows are
dropped. A DOWN machine cannot be unscheduled: run "maintenance stop" for it.`
  static examples = ['<%= config.bin %> maintenance unschedule 127.0.1.3']
  static args = {
    machines: Args.string({ description: 'machines, comma-separated: host names or IPv4 addresses', required: true }),
  }
  static flags = { ...masterFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(MaintenanceUnschedule)
    const names = new Set(parseMachineList(args.machines).map(machineName))
    const schedule = await this.schedule(flags.master)
    const scheduled = new Set(schedule.windows.flatMap((w) => w.machine_ids.map(machineName)))
    const missing = [...names].filter((n) => !scheduled.has(n))
    if (missing.length > 0)
      this.fail(`not in the maintenance schedule: ${missing.join(', ')} (see "maintenance status")`)
    const windows = schedule.windows
      .map((w) => ({ ...w, machine_ids: w.machine_ids.filter((m) => !names.has(machineName(m))) }))
      .filter((w) => w.machine_ids.length > 0)
    await this.operator(flags.master, {
      type: 'UPDATE_MAINTENANCE_SCHEDULE',
      update_maintenance_schedule: { schedule: { windows } },
    })
    if (!this.jsonEnabled()) this.log(`machines ${[...names].join(', ')} are UP and off the schedule`)
    return { unscheduled: [...names] }
  }
}
