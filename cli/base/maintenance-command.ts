/** The base of the `maintenance *` commands: `--master` and the operator calls of Mesos's maintenance primitives. */
// GET_MAINTENANCE_SCHEDULE/STATUS, UPDATE_MAINTENANCE_SCHEDULE, START_MAINTENANCE, STOP_MAINTENANCE
// (include/mesos/v1/master/master.proto; docs/maintenance.md in Mesos).

import { Flags } from '@oclif/core'

import { KmError } from '../../errors/index.js'
import { type JsonValue, operatorCall, resolveMasters, ScheduleJson } from '../client/index.js'
import { BrokerCommand } from './broker-command.js'

/** `--master`: the master, or several HA masters, to send the operator calls to. */
export const masterFlags = {
  master: Flags.string({
    description: 'master host:port, or several (HA) comma-separated (else env KM_MASTER, else 127.0.0.1:5050)',
    helpValue: '<host:port,...>',
  }),
}

/** Base class of the maintenance commands. */
export abstract class MaintenanceCommand extends BrokerCommand {
  /** Sends an operator call to the leading master. @throws KmCliError with the master's reason */
  protected async operator(
    masterFlag: string | undefined,
    call: { type: string; [k: string]: unknown },
  ): Promise<JsonValue> {
    try {
      return await operatorCall(resolveMasters(masterFlag), call)
    } catch (e) {
      return this.fail((e as Error).message, e instanceof KmError ? e.code : 'KM_ERR_MASTER')
    }
  }

  /** The master's maintenance schedule (GET_MAINTENANCE_SCHEDULE). @throws KmCliError as {@link operator} */
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
