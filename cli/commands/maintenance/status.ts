/** `kafka-mesos maintenance status`: show machines scheduled for maintenance: mode (DRAINING or DOWN), window, and what frameworks answered. */
import Table from 'cli-table3'
import { MaintenanceCommand, machineName, masterFlags } from '../../base/index.js'
import { type JsonValue, StatusJson } from '../../client/index.js'

/** `maintenance status`: every scheduled machine with its mode, window and the frameworks' answers. */
export default class MaintenanceStatus extends MaintenanceCommand {
  static summary =
    'Show machines scheduled for maintenance: mode (DRAINING or DOWN), window, and what frameworks answered.'
  static description = `Reads the master's maintenance schedule and status (Mesos GET_MAINTENANCE_SCHEDULE and
GET_MAINTENANCE_STATUS). A DRAINING machine still runs tasks; its offers carry the unavailability and
the frameworks with tasks there got an inverse offer (ACCEPT = it can give the machine up). A DOWN
machine's agents were removed and may not register until "maintenance stop".`
  static examples = [
    '<%= config.bin %> maintenance status --master 127.0.0.1:5050',
    '<%= config.bin %> maintenance status --json',
  ]
  static flags = { ...masterFlags }

  async run(): Promise<JsonValue> {
    const { flags } = await this.parse(MaintenanceStatus)
    const schedule = await this.schedule(flags.master)
    const statusJson = (await this.operator(flags.master, { type: 'GET_MAINTENANCE_STATUS' })) as {
      get_maintenance_status?: { status?: JsonValue }
    }
    const status = this.decode(StatusJson, 'maintenance status', statusJson.get_maintenance_status?.status ?? {})
    const json = { schedule, status } as unknown as JsonValue
    if (this.jsonEnabled()) return json
    if (schedule.windows.length === 0) {
      this.log('no machine is scheduled for maintenance')
      return json
    }
    const down = new Set(status.down_machines.map(machineName))
    const answers = new Map(
      status.draining_machines.map((d) => [
        machineName(d.id),
        d.statuses.map((s) => `${s.framework_id.value}: ${s.status}`).join(', '),
      ]),
    )
    const table = new Table({
      head: ['machine', 'mode', 'unavailable from (UTC)', 'for', 'inverse offer answers'],
      style: { head: [], border: [] },
    })
    for (const w of schedule.windows) {
      const from = new Date(w.unavailability.start.nanoseconds / 1e6).toISOString().replace(/\.\d{3}Z$/, 'Z')
      const dur = w.unavailability.duration
        ? humanDuration(w.unavailability.duration.nanoseconds / 1e6)
        : 'indefinitely'
      for (const m of w.machine_ids) {
        const name = machineName(m)
        table.push([
          name,
          down.has(name) ? 'DOWN' : 'DRAINING',
          from,
          dur,
          down.has(name) ? '-' : answers.get(name) || 'none yet',
        ])
      }
    }
    this.log(table.toString())
    return json
  }
}

/** 5400000 → "1h30m". */
function humanDuration(ms: number): string {
  const parts: string[] = []
  let rest = Math.round(ms / 1000)
  for (const [unit, s] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (rest >= s) {
      parts.push(`${Math.floor(rest / s)}${unit}`)
      rest %= s
    }
  }
  return parts.join('') || '0s'
}
