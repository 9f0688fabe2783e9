/** The scheduler's answers to the consumer-group calls, as the CLI reads them (zod, lenient). */

import { z } from 'zod'

/** `/api/group/list`: `{"groups":[{group,state,protocolType,members,lag}]}`. */
export const GroupsResponse = z.looseObject({
  groups: z.array(
    z.looseObject({
      group: z.string(),
      state: z.string(),
      protocolType: z.string().default(''),
      members: z.number(),
      lag: z.number(),
    }),
  ),
})
export type GroupsResponse = z.infer<typeof GroupsResponse>

/** `/api/group/describe`: the group, its members and lag per partition (`committed`/`lag` null: nothing committed). */
export const GroupResponse = z.looseObject({
  group: z.string(),
  state: z.string(),
  protocol: z.string().default(''),
  lag: z.number(),
  members: z.array(
    z.looseObject({
      memberId: z.string(),
      clientId: z.string(),
      host: z.string(),
      assignment: z.record(z.string(), z.array(z.number())),
    }),
  ),
  partitions: z.array(
    z.looseObject({
      topic: z.string(),
      partition: z.number(),
      committed: z.number().nullable(),
      logEnd: z.number(),
      lag: z.number().nullable(),
      member: z.string().nullable(),
    }),
  ),
})
export type GroupResponse = z.infer<typeof GroupResponse>

/** `/api/group/reset-offsets`: each partition's committed offset before (`from`, null: none) and after. */
export const ResetOffsetsResponse = z.looseObject({
  group: z.string(),
  to: z.string(),
  dryRun: z.boolean(),
  partitions: z.array(
    z.looseObject({ topic: z.string(), partition: z.number(), from: z.number().nullable(), to: z.number() }),
  ),
})
export type ResetOffsetsResponse = z.infer<typeof ResetOffsetsResponse>
