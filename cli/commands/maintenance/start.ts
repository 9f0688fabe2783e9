/** `kafka-mesos maintenance start`: start maintenance: the machines go DOWN; their agents and tasks are removed until "maintenance stop". */
import { Args } from '@oclif/core'
import { MaintenanceCommand, machineName, masterFlags, parseMachineList } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `maintenance start <machines>` (START_MAINTENANCE). */
export default class MaintenanceStart extends MaintenanceCommand {
  static summary =
    'Start maintenance: the machines go DOWN; their agents and tasks are removed until "maintenance stop".'
  static description =
    `Mesos START_MAINTENANCE: only scheduled (DRAINING) machines can go DOWN. Every task on their agents is
reported TASK_GONE_BY_OPERATOR (partition-aware frameworks, such as the broker scheduler) or TASK_LOST,
and the agents may not register again until the machines are stopped.`
  static examples = [
    '<%= config.bin %> maintenance start 127.0.1.3',
    '<%= config.bin %> maintenance start host-a,host-b --master m1:5050,m2:5050 --json',
  ]
  static args = {
    machines: Args.string({ description: 'machines, comma-separated: host names or IPv4 addresses', required: true }),
  }
  static flags = { ...masterFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(MaintenanceStart)
    const machines = parseMachineList(args.machines)
    await this.operator(flags.master, { type: 'START_MAINTENANCE', start_maintenance: { machines } })
    if (!this.jsonEnabled()) this.log(`machines ${machines.map(machineName).join(', ')} are DOWN`)
    return { machines } as unknown as JsonValue
  }
}
