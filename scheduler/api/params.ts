/** Reading REST parameters: query and body merged as mesos/kafka does, zod validation, and the ApiError of bad input. */

import type { Context } from 'hono'
import { z } from 'zod'
import {
  checkLog4jOptions,
  formatBindAddress,
  parseBindAddress,
  parseMap,
  parsePeriod,
  parseRange,
  ValueError,
} from '../../contract/index.js'
import { tooDeep, tooDeepMessage } from '../../core-cluster/proto/index.js'
import { type ErrorCode, KmError } from '../../errors/index.js'
import { formatConstraints, parseConstraints } from '../brokers/index.js'

/**
 * An API answer for bad input, found while reading the request (before any domain function runs):
 * HTTP status plus a message that names the field and the fix. Domain refusals are their own
 * KmErrors; `app.onError` answers both the same way.
 */
export class ApiError extends KmError {
  declare readonly status: 400 | 404 | 409 | 413 | 415 | 503
  constructor(status: 400 | 404 | 409 | 413 | 415 | 503, message: string, code: ErrorCode = 'KM_ERR_INVALID_PARAM') {
    super(code, message, { status })
  }
}

/** What a JSON value is, for a message: `an object`, `an array`, `a number`. */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array'
  if (v === null) return 'null'
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`
}

/** The types of body a POST may have. */
const FORM = ['application/x-www-form-urlencoded', 'multipart/form-data']

/**
 * Request parameters as mesos/kafka reads them (`BothParam` in `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/`): query string and body (form-urlencoded,
 * multipart or JSON) merged; the query string wins. JSON values that are strings, numbers or
 * booleans become strings (`true`, `0.5`); `null` is as if absent. The body's size is limited before
 * this runs (app.ts, 413).
 * @throws ApiError 400 for a body that does not parse, nests too deep, or holds an object, array or
 *   file where a parameter's value goes (the message names the parameter); 415
 *   (KM_ERR_MEDIA_TYPE) for a body of any other Content-Type
 */
export async function readParams(c: Context): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const put = (k: string, v: string) => {
    if (k !== '__proto__') out[k] = v
  }
  if (c.req.method === 'POST') {
    const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase()
    if (type === 'application/json') {
      const text = await c.req.text()
      if (text.trim() !== '') {
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch (e) {
          throw new ApiError(400, `request body is not valid JSON: ${(e as Error).message}`)
        }
        if (!json || typeof json !== 'object' || Array.isArray(json))
          throw new ApiError(400, 'request body must be a JSON object such as {"broker":"0","cpus":0.5}')
        const deep = tooDeep(json)
        if (deep) throw new ApiError(400, tooDeepMessage(deep))
        for (const [k, v] of Object.entries(json)) {
          if (v === null || v === undefined) continue
          if (typeof v === 'string') put(k, v)
          else if ((typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean') put(k, String(v))
          else
            throw new ApiError(400, `${k}: expected a string, number or boolean such as {"${k}":"0"}, got ${kindOf(v)}`)
        }
      }
    } else if (FORM.includes(type)) {
      let form: Record<string, string | File | (string | File)[]>
      try {
        form = await c.req.parseBody()
      } catch (e) {
        throw new ApiError(400, `request body is not valid ${type}: ${(e as Error).message}`)
      }
      for (const [k, v] of Object.entries(form)) {
        if (typeof v === 'string') put(k, v)
        else throw new ApiError(400, `${k}: expected a text value, got ${v instanceof File ? 'a file' : kindOf(v)}`)
      }
    } else if ((await c.req.arrayBuffer()).byteLength > 0) {
      throw new ApiError(
        415,
        `request body of Content-Type "${c.req.header('content-type') ?? '(none)'}" is not read here; send application/x-www-form-urlencoded or application/json`,
        'KM_ERR_MEDIA_TYPE',
      )
    }
  }
  for (const [k, v] of Object.entries(c.req.queries())) if (v.length > 0) put(k, v[v.length - 1])
  return out
}

/** Turns a value-parser's ValueError into a zod issue (the message already names the field). */
export function via<T>(parse: (s: string) => T) {
  return z.string().transform((s, ctx) => {
    try {
      return parse(s)
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: e instanceof ValueError ? e.message : String(e) })
      return z.NEVER
    }
  })
}

/** A numeric string param: `field: expected a (whole) number of at least <min> such as <example>, got "<s>"`. */
export function number(field: string, example: string, opts: { integer?: boolean; min: number }) {
  return via((s) => {
    const t = s.trim()
    const n = Number(t)
    if (t === '' || !Number.isFinite(n) || (opts.integer && !Number.isInteger(n)) || n < opts.min) {
      throw new ValueError(
        field,
        `expected ${opts.integer ? 'a whole number' : 'a number'} of at least ${opts.min} such as ${example}, got "${s}"`,
      )
    }
    return n
  })
}

/** `""` unsets (mesos/kafka's README: "use \"\" arg to unset the option"); otherwise parsed. */
function unsettable<T>(inner: z.ZodType<T, string>) {
  // Not a z.union: a union reports a bare "Invalid input" instead of the inner message naming the field.
  return z.string().transform((s, ctx): T | null => {
    if (s === '') return null
    const r = inner.safeParse(s)
    if (r.success) return r.data
    for (const issue of r.error.issues) ctx.addIssue({ code: 'custom', message: issue.message })
    return z.NEVER
  })
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`); `""` = false. */
function boolean(field: string) {
  return z.string().transform((s, ctx) => {
    const t = s.trim().toLowerCase()
    if (t === 'true' || t === '1' || t === 'yes') return true
    if (t === 'false' || t === '0' || t === 'no' || t === '') return false
    ctx.addIssue({ code: 'custom', message: `${field}: expected true or false, got "${s}"` })
    return z.NEVER
  })
}

/** A persistent volume id (`disk.persistence.id`; the agent names a folder after it): letters, digits, `.`, `_`, `-` and `$id` only. */
function volumeName(s: string): string {
  const t = s.trim()
  if (
    !/^[A-Za-z0-9._$-]+$/.test(t) ||
    t === '.' ||
    t === '..' ||
    (t.includes('$') && t.replaceAll('$id', '').includes('$'))
  ) {
    throw new ValueError(
      'volume',
      `invalid volume id "${s}": use letters, digits, ".", "_", "-" and $id, such as kafka-$id`,
    )
  }
  return t
}

/**
 * Parameters of `broker add` / `broker update` (mesos/kafka's names and units, its `cli/BrokerCli.scala`: mem and heap in MB,
 * periods such as `1m`). Every field is optional; on update only given fields change.
 */
export const NodeParamsSchema = z.object({
  broker: z
    .string({ error: 'broker: required, an id expression such as 0..2' })
    .trim()
    .min(1, 'broker: required, an id expression such as 0..2'),
  cpus: number('cpus', '0.5', { min: 0.01 }).optional(),
  mem: number('mem', '1024 (MB)', { integer: true, min: 32 }).optional(),
  heap: number('heap', '512 (MB)', { integer: true, min: 64 }).optional(),
  port: unsettable(via((s) => parseRange(s, 'port'))).optional(),
  options: unsettable(via((s) => parseMap(s, 'options'))).optional(),
  /** `attr=<constraint>,...` (brokers/constraints.ts), stored normalized; `""` unsets */
  constraints: unsettable(via((s) => formatConstraints(parseConstraints(s, 'constraints')))).optional(),
  jvmOptions: z.string().optional(),
  javaCmd: z.string().optional(),
  stickinessPeriod: via((s) => parsePeriod(s, 'stickinessPeriod')).optional(),
  failoverDelay: via((s) => parsePeriod(s, 'failoverDelay')).optional(),
  failoverMaxDelay: via((s) => parsePeriod(s, 'failoverMaxDelay')).optional(),
  failoverMaxTries: unsettable(number('failoverMaxTries', '5', { integer: true, min: 1 })).optional(),
  /** `host`, `prefix*` or `if:<nic>` (kafka/bind-address.ts), resolved on the agent; `""` unsets */
  bindAddress: unsettable(via((s) => formatBindAddress(parseBindAddress(s, 'bindAddress')))).optional(),
  /** `true` also logs to the local syslog */
  syslog: boolean('syslog').optional(),
  /** persistent volume id (KafkaNode.volume: an offer must hold a disk with it); `""` unsets */
  volume: unsettable(via(volumeName)).optional(),
  /** log4j2 overrides `k=v,...` (kafka/log4j.ts); `""` unsets */
  log4jOptions: unsettable(via((s) => checkLog4jOptions(parseMap(s, 'log4jOptions')))).optional(),
  /** `process.roles` of a new broker: `broker` (default) or `broker,controller` (a combined node that is also a KRaft voter) */
  role: z.enum(['broker', 'broker,controller'], { error: 'role: expected broker or broker,controller' }).optional(),
})
export type NodeParams = z.infer<typeof NodeParamsSchema>

/** `broker start|stop` parameters: `timeout` a Period (default 60s, `0` = don't wait), `force` on stop. */
export const StartStopSchema = z.object({
  broker: z
    .string({ error: 'broker: required, an id expression such as 0..2' })
    .trim()
    .min(1, 'broker: required, an id expression such as 0..2'),
  timeout: via((s) => parsePeriod(s, 'timeout')).optional(),
  force: z
    .string()
    .optional()
    .transform((s) => s !== undefined && s !== 'false'),
})

/**
 * Validates params against a schema.
 * @throws ApiError 400 whose message joins every problem, each naming its field
 */
export function validate<T extends z.ZodType>(schema: T, params: Record<string, string>): z.infer<T> {
  const r = schema.safeParse(params)
  if (r.success) return r.data
  throw new ApiError(400, r.error.issues.map((i) => i.message).join('; '))
}
