/** The consumer-group routes: list, describe (lag per partition) and reset-offsets, each calling one kafka/ function. */

/**
 * Consumer groups through Kafka's Admin API (kafka/groups.ts), as `kafka-consumer-groups.sh`:
 *
 * - `GET|POST /api/group/list` → `{"groups":[{group,state,protocolType,members,lag}]}`
 * - `GET|POST /api/group/describe` `group` (required) →
 *   `{group,state,protocolType,protocol,members:[{memberId,clientId,host,assignment}],partitions:[{topic,partition,committed,logEnd,lag,member}],lag}`
 * - `POST /api/group/reset-offsets` `group` (required), `to` (`earliest`, `latest`, or a time:
 *   ISO 8601 such as `2026-12-04T18:00:00Z` or epoch milliseconds), `topic` (comma-separated names;
 *   default the topics the group committed offsets for), `dryRun` (flag) →
 *   `{group,to,dryRun,partitions:[{topic,partition,from,to}]}`
 *
 * Errors: 400 for bad params, `group g not found` (KM_ERR_NOT_FOUND), a reset of a group that has
 * members (KM_ERR_GROUP_ACTIVE, naming the fix); 503 when no broker runs or Kafka can't be reached.
 */

import type { Context, Hono } from 'hono'
import { z } from 'zod'
import type { KafkaScheduler } from '../framework/index.js'
import {
  describeGroup,
  GroupActive,
  kafkaAdmin,
  listGroups,
  type ResetTarget,
  resetGroupOffsets,
} from '../kafka/index.js'
import { readParams, validate } from './params.js'
import { toApiError } from './topics.js'

const GROUP_REQUIRED = 'group: required, a consumer group id such as my-app (see: group list)'
const TO_EXAMPLE = 'earliest, latest, 2026-12-04T18:00:00Z or epoch milliseconds such as 1796407200000'

/** `to` of reset-offsets: `earliest`, `latest`, an ISO 8601 time with a zone, or epoch ms. */
export function parseResetTarget(s: string): ResetTarget | string {
  const t = s.trim()
  if (t === 'earliest' || t === 'latest') return { kind: t }
  if (/^\d{1,15}$/.test(t)) return { kind: 'timestamp', ms: Number(t) }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(t)) {
    const ms = Date.parse(t)
    if (Number.isFinite(ms)) return { kind: 'timestamp', ms }
  }
  return `to: expected ${TO_EXAMPLE}, got "${s}"`
}

const groupParam = z.string({ error: GROUP_REQUIRED }).trim().min(1, GROUP_REQUIRED)

/** `group describe` params. */
export const DescribeGroupSchema = z.object({ group: groupParam })

/** `group reset-offsets` params. */
export const ResetOffsetsSchema = z.object({
  group: groupParam,
  to: z.string({ error: `to: required, one of ${TO_EXAMPLE}` }).transform((s, ctx) => {
    const r = parseResetTarget(s)
    if (typeof r === 'string') {
      ctx.addIssue({ code: 'custom', message: r })
      return z.NEVER
    }
    return r
  }),
  topic: z
    .string()
    .optional()
    .transform((s) =>
      s
        ?.split(',')
        .map((t) => t.trim())
        .filter((t) => t.length > 0),
    ),
  dryRun: z
    .string()
    .optional()
    .transform((s) => s !== undefined && s !== 'false' && s !== '0'),
})

/** kafkajs refuses a commit itself when members joined between our check and the commit. */
function groupError(e: unknown, group: string): unknown {
  const m = /must have no running instances, current state: (\w+)/.exec((e as Error)?.message ?? '')
  return m ? new GroupActive(group, m[1], 1) : toApiError(e)
}

/** Registers the consumer-group routes on `app` (see the module comment). */
export function registerGroupRoutes(app: Hono, scheduler: KafkaScheduler): void {
  const admin = kafkaAdmin(scheduler)
  const handle = (fn: (c: Context, params: Record<string, string>) => Promise<Response>) => async (c: Context) => {
    const params = await readParams(c)
    try {
      return await fn(c, params)
    } catch (e) {
      throw groupError(e, params.group ?? '')
    }
  }

  app.on(
    ['GET', 'POST'],
    '/api/group/list',
    handle(async (c) => c.json({ groups: await listGroups(await admin.get()) })),
  )

  app.on(
    ['GET', 'POST'],
    '/api/group/describe',
    handle(async (c, params) => {
      const p = validate(DescribeGroupSchema, params)
      return c.json(await describeGroup(await admin.get(), p.group))
    }),
  )

  app.post(
    '/api/group/reset-offsets',
    handle(async (c, params) => {
      const p = validate(ResetOffsetsSchema, params)
      return c.json(await resetGroupOffsets(await admin.get(), p.group, p.to, { topics: p.topic, dryRun: p.dryRun }))
    }),
  )
}
