/**
 * Shared base of the `maintenance *` commands: `--master`, machine lists, and the operator calls of
 * Mesos's maintenance primitives (GET_MAINTENANCE_SCHEDULE/STATUS, UPDATE_MAINTENANCE_SCHEDULE,
 * START_MAINTENANCE, STOP_MAINTENANCE).
 */

import { Flags } from '@oclif/core'
import { z } from 'zod'

import type { JsonValue } from './api.js'
import { BrokerCommand } from './broker-command.js'
import { operatorCall, resolveMasters } from './master-api.js'

export const masterFlags = {
  master: Flags.string({
    description: 'master host:port, or several (HA) comma-separated (else env KM_MASTER, else 127.0.0.1:5050)',
    helpValue: '<host:port,...>',
  }),
}

const MachineId = z.looseObject({ hostname: z.string().optional(), ip: z.string().optional() })
export type MachineId = z.infer<typeof MachineId>
const Nanos = z.looseObject({ nanoseconds: z.number() })
export const ScheduleJson = z.looseObject({
  windows: z
    .array(
      z.looseObject({
        machine_ids: z.array(MachineId),
        unavailability: z.looseObject({ start: Nanos, duration: Nanos.optional() }),
      }),
    )
    .default([]),
})
export type ScheduleJson = z.infer<typeof ScheduleJson>
export const StatusJson = z.looseObject({
  draining_machines: z
    .array(
      z.looseObject({
        id: MachineId,
        statuses: z
          .array(z.looseObject({ status: z.string(), framework_id: z.looseObject({ value: z.string() }) }))
          .default([]),
      }),
    )
    .default([]),
  down_machines: z.array(MachineId).default([]),
})

/** `h1,10.0.0.2` → machine ids: a dotted quad is an `ip`, anything else a `hostname`. */
export function parseMachineList(text: string): MachineId[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return items.map((s) => (/^\d{1,3}(\.\d{1,3}){3}$/.test(s) ? { ip: s } : { hostname: s }))
}

/** `hostname/ip` as the CLI prints a machine. */
export function machineName(m: MachineId): string {
  return [m.hostname, m.ip].filter(Boolean).join('/')
}

export abstract class MaintenanceCommand extends BrokerCommand {
  /** Sends an operator call to the leading master. @throws KmCliError with the master's reason */
  protected async operator(
    masterFlag: string | undefined,
    call: { type: string; [k: string]: unknown },
  ): Promise<JsonValue> {
    try {
      return await operatorCall(resolveMasters(masterFlag), call)
    } catch (e) {
      return this.fail((e as Error).message, (e as { code?: string }).code ?? 'KM_ERR_MASTER')
    }
  }

  protected async schedule(masterFlag: string | undefined): Promise<ScheduleJson> {
    const json = (await this.operator(masterFlag, { type: 'GET_MAINTENANCE_SCHEDULE' })) as {
      get_maintenance_schedule?: { schedule?: unknown }
    }
    return this.decode(
      ScheduleJson,
      'maintenance schedule',
      (json.get_maintenance_schedule?.schedule ?? {}) as JsonValue,
    )
  }
}
