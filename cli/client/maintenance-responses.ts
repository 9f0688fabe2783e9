/** The master's answers to GET_MAINTENANCE_SCHEDULE and GET_MAINTENANCE_STATUS, as the CLI reads them. */
// Shapes: include/mesos/v1/maintenance/maintenance.proto (Schedule, Window, Unavailability, ClusterStatus)
// and include/mesos/v1/mesos.proto (MachineID), in the JSON of Mesos's operator API.

import { z } from 'zod'

/** A machine: its host name and/or IP address. */
export const MachineId = z.looseObject({ hostname: z.string().optional(), ip: z.string().optional() })
export type MachineId = z.infer<typeof MachineId>
const Nanos = z.looseObject({ nanoseconds: z.number() })
/** A maintenance schedule: its windows of machines and their unavailability (nanoseconds). */
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
/** The machines being drained (with each framework's inverse-offer answer) and those down. */
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
