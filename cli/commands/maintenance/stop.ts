/** `kafka-mesos maintenance stop`: stop maintenance: DOWN machines are UP again, off the schedule, and their agents may register. */
import { Args } from '@oclif/core'
import { MaintenanceCommand, machineName, masterFlags, parseMachineList } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `maintenance stop <machines>` (STOP_MAINTENANCE). */
export default class MaintenanceStop extends MaintenanceCommand {
  static summary = 'Stop maintenance: DOWN machines are UP again, off the schedule, and their agents may register.'
  static description = `Mesos STOP_MAINTENANCE: only DOWN machines can be stopped; they leave the maintenance schedule.`
  static examples = [
    '<%= config.bin %> maintenance stop 127.0.1.3',
    '<%= config.bin %> maintenance stop host-a,host-b --master m1:5050,m2:5050 --json',
  ]
  static args = {
    machines: Args.string({ description: 'machines, comma-separated: host names or IPv4 addresses', required: true }),
  }
  static flags = { ...masterFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(MaintenanceStop)
    const machines = parseMachineList(args.machines)
    await this.operator(flags.master, { type: 'STOP_MAINTENANCE', stop_maintenance: { machines } })
    if (!this.jsonEnabled())
      this.log(`machines ${machines.map(machineName).join(', ')} are UP and may register agents again`)
    return { machines } as unknown as JsonValue
  }
}
