/**
 * The CLI's client for the scheduler REST API, as mesos/kafka's CLI (reference kafka-mesos.md §1.1,
 * §2.2): every call is an HTTP POST of `application/x-www-form-urlencoded` params to
 * `<api>/api/<group>/<op>`. Unlike mesos/kafka (empty body, reason phrase), our server answers
 * errors with JSON `{"error": "<message>", "code": "KM_..."}`, which becomes an {@link ApiError}.
 */

import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'

import { z } from 'zod'

import {
  FailoverJsonSchema,
  lenientObject,
  NodeJsonSchema,
  NodeTaskSchema,
  StickinessJsonSchema,
  WaitingJsonSchema,
} from '../contract/index.js'
import { parseProperties } from './properties.js'

/** The properties file looked up in the working directory for `api=` (mesos/kafka §1.1). */
export const PROPERTIES_FILE = 'kafka-mesos.properties'

/** Any JSON value, as returned by the server and printed by `--json`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

/** A failed API call. `message` is the server's error text; `code` is the server's `KM_...` code if any. */
export class ApiError extends Error {
  readonly code: string
  /** HTTP status, or 0 when the server could not be reached or its answer was unreadable. */
  readonly status: number
  constructor(message: string, code: string, status: number) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.status = status
  }
}

/** Where {@link resolveApi} may look. Defaults: `process.env` and `process.cwd()`. */
export interface ApiSources {
  /** The `--api` flag value, if given. */
  flag?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/**
 * Resolves the scheduler API base URL in mesos/kafka's order (§1.1): the `--api` flag, then env
 * `KM_API`, then `api=` in `./kafka-mesos.properties`. Empty values count as unset. A value without
 * a scheme gets `http://`; a trailing slash is dropped. `apps://host:port/kafka` means: the scheduler
 * running as app `/kafka` under the meta-framework at host:port, found at each call (see {@link send}).
 *
 * @returns e.g. `http://127.0.0.1:7000`.
 * @throws ApiError (code `KM_ERR_NO_API`) `Undefined api. Provide --api, KM_API or api= in ./kafka-mesos.properties`,
 *   or (code `KM_ERR_API_URL`) `invalid api URL "<value>"`.
 */
export function resolveApi(sources: ApiSources = {}): string {
  const env = sources.env ?? process.env
  const cwd = sources.cwd ?? process.cwd()
  let api = sources.flag || env.KM_API || undefined
  if (!api) {
    let text: string | undefined
    try {
      text = readFileSync(join(cwd, PROPERTIES_FILE), 'utf8')
    } catch {
      text = undefined
    }
    if (text !== undefined) api = parseProperties(text).api?.trim() || undefined
  }
  if (!api) {
    throw new ApiError(`Undefined api. Provide --api, KM_API or api= in ./${PROPERTIES_FILE}`, 'KM_ERR_NO_API', 0)
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(api) ? api : `http://${api}`
  try {
    const url = new URL(withScheme)
    if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'apps:') throw new Error('not http')
  } catch {
    throw new ApiError(`invalid api URL "${api}"`, 'KM_ERR_API_URL', 0)
  }
  return withScheme.replace(/\/+$/, '')
}

/** Who runs the CLI, sent as `X-KM-User` for the scheduler's operations audit log: $USER, else the OS account. */
export function cliUser(): string {
  try {
    return process.env.USER || userInfo().username
  } catch {
    return 'unknown'
  }
}

/** Form params for a call; `undefined` values are left out. */
export type Params = Record<string, string | undefined>

const ErrorBody = z.looseObject({ error: z.string(), code: z.string().optional() })

/**
 * Finds the scheduler through the meta-framework's task list (issue 8): `apps://host:port/<app>` →
 * `GET http://host:port/v2/apps/<app>/tasks` → the first TASK_RUNNING task's `http://host:port0`.
 * @throws ApiError (KM_ERR_UNREACHABLE) when the meta-framework cannot be asked or runs no such task
 */
export async function schedulerFromApps(api: string): Promise<string> {
  const url = new URL(api.replace(/^apps:/, 'http:'))
  const app = url.pathname.replace(/\/+$/, '') || '/kafka'
  const where = `http://${url.host}/v2/apps${app}/tasks`
  let tasks: Array<{ state?: string; host?: string; ports?: number[] }>
  try {
    const res = await fetch(where)
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    tasks = ((await res.json()) as { tasks?: typeof tasks }).tasks ?? []
  } catch (e) {
    throw new ApiError(`cannot ask the meta-framework at ${where}: ${(e as Error).message}`, 'KM_ERR_UNREACHABLE', 0)
  }
  const running = tasks.find((t) => t.state === 'TASK_RUNNING' && t.host && t.ports && t.ports.length > 0)
  if (!running)
    throw new ApiError(
      `the meta-framework at ${url.host} runs no task of app ${app} right now; retry in a moment`,
      'KM_ERR_UNREACHABLE',
      0,
    )
  return `http://${running.host}:${running.ports![0]}`
}

/**
 * POSTs `params` form-urlencoded to `<api>/api/<path>` (with the CLI user in `X-KM-User`).
 * @throws ApiError `cannot reach the scheduler API at <url>: <cause>` (KM_ERR_UNREACHABLE) when the connection fails
 */
async function send(api: string, path: string, params: Params, accept: string): Promise<Response> {
  if (api.startsWith('apps://')) api = await schedulerFromApps(api)
  const body = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.append(k, v)
  try {
    return await fetch(`${api}/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept, 'x-km-user': cliUser() },
      body: body.toString(),
    })
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e
    const detail = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause)
    throw new ApiError(`cannot reach the scheduler API at ${api}: ${detail}`, 'KM_ERR_UNREACHABLE', 0)
  }
}

/**
 * POSTs `params` form-urlencoded to `<api>/api/<path>` with global `fetch` and returns the parsed
 * JSON body of a 2xx answer (`null` for an empty body).
 *
 * @param api base URL from {@link resolveApi}.
 * @param path e.g. `broker/add`.
 * @throws ApiError with the server's `error` message and `code` on a non-2xx JSON error answer;
 *   `<status> - <reason>` for a non-2xx answer without one; `cannot reach the scheduler API at <url>: <cause>`
 *   (code `KM_ERR_UNREACHABLE`) when the connection fails.
 */
export async function post(api: string, path: string, params: Params): Promise<JsonValue> {
  const res = await send(api, path, params, 'application/json')
  return readJsonAnswer(res, `${api}/api/${path}`)
}

/**
 * A plain JSON answer: the parsed body (null when empty).
 * @throws ApiError with the server's `error` and `code` on a non-2xx JSON error answer, `<status> - <reason>`
 *   on another non-2xx answer, and `unexpected non-JSON answer` for a 2xx body that is not JSON.
 */
async function readJsonAnswer(res: Response, url: string): Promise<JsonValue> {
  const text = await res.text()
  let json: JsonValue | undefined
  if (text.trim() !== '') {
    try {
      json = JSON.parse(text) as JsonValue
    } catch {
      json = undefined
    }
  }
  if (!res.ok) {
    const err = ErrorBody.safeParse(json)
    if (err.success) throw new ApiError(err.data.error, err.data.code ?? 'KM_ERR_HTTP', res.status)
    throw new ApiError(`${res.status} - ${res.statusText || 'error'}`, 'KM_ERR_HTTP', res.status)
  }
  if (json === undefined) {
    if (text.trim() === '') return null
    throw new ApiError(`unexpected non-JSON answer from ${url}`, 'KM_ERR_RESPONSE', res.status)
  }
  return json
}

/**
 * Like {@link post}, but asks for a streamed answer (`Accept: application/x-ndjson`): every
 * `{"progress":"..."}` line goes to `onProgress` as it arrives, and the last other line is returned.
 * A server that answers plain JSON works too (no progress lines).
 *
 * @throws ApiError as {@link post}; also for an `{"error","code"}` line in the stream and a stream that ends without an answer.
 */
export async function postStream(
  api: string,
  path: string,
  params: Params,
  onProgress: (line: string) => void,
): Promise<JsonValue> {
  const url = `${api}/api/${path}`
  const res = await send(api, path, params, 'application/x-ndjson, application/json')
  if (!res.ok || !(res.headers.get('content-type') ?? '').includes('ndjson') || !res.body)
    return readJsonAnswer(res, url)
  let answer: JsonValue | undefined
  let buf = ''
  const decoder = new TextDecoder()
  const handle = (line: string) => {
    if (line.trim() === '') return
    let json: JsonValue
    try {
      json = JSON.parse(line) as JsonValue
    } catch {
      throw new ApiError(`unexpected non-JSON line from ${url}: ${line.slice(0, 200)}`, 'KM_ERR_RESPONSE', res.status)
    }
    const progress = z.looseObject({ progress: z.string() }).safeParse(json)
    if (progress.success) return onProgress(progress.data.progress)
    const err = ErrorBody.safeParse(json)
    if (err.success) throw new ApiError(err.data.error, err.data.code ?? 'KM_ERR_HTTP', res.status)
    answer = json
  }
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true })
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      handle(buf.slice(0, nl))
      buf = buf.slice(nl + 1)
    }
  }
  handle(buf + decoder.decode())
  if (answer === undefined)
    throw new ApiError(`the answer from ${url} ended without a result`, 'KM_ERR_RESPONSE', res.status)
  return answer
}

// ---------------------------------------------------------------------------------------------
// Broker responses (mesos/kafka `scheduler/http/api/BrokerApi.scala`), read leniently.

const Id = z.union([z.string(), z.number()]).transform(String)
const Str = z.string().nullish()

/**
 * A broker's task in the REST answer (contract/node.ts `NodeTaskSchema`, read leniently); `task` is
 * absent/null when the broker has none. Any task state string is accepted.
 */
export const TaskJson = lenientObject(NodeTaskSchema).extend({ id: z.string(), state: z.string() })

/**
 * A broker in the REST answer: the contract's `NodeJsonSchema`, read leniently (every field may be
 * missing or null, unknown keys kept), plus what a mesos/kafka scheduler also sends
 * (`executionOptions`, `stickiness.expires`; `json/Model.scala`). `state` is the displayed state.
 */
export const BrokerJson = lenientObject(NodeJsonSchema).extend({
  id: Id,
  /** `broker,controller` for a combined node; absent for a plain broker */
  role: Str,
  active: z.boolean().optional(),
  /** changes since the task's launch: options applied live, and what needs a restart (our addition) */
  changes: z
    .looseObject({ live: z.record(z.string(), z.string()).default({}), restart: z.array(z.string()).default([]) })
    .nullish(),
  stickiness: lenientObject(StickinessJsonSchema).extend({ expires: Str }).nullish(),
  failover: lenientObject(FailoverJsonSchema).nullish(),
  executionOptions: z.looseObject({ jvmOptions: Str, javaCmd: Str }).nullish(),
  task: TaskJson.nullish(),
  /** why an active broker without a task did not take its last offer (our addition; in memory on the scheduler) */
  waiting: lenientObject(WaitingJsonSchema).extend({ reason: z.string() }).nullish(),
})
export type BrokerJson = z.infer<typeof BrokerJson>

/** Answer of broker add/update/list: `{"brokers":[Broker]}`. */
export const BrokersResponse = z.looseObject({ brokers: z.array(BrokerJson) })
export type BrokersResponse = z.infer<typeof BrokersResponse>

/** Answer of broker remove: `{"ids":["0","1"]}` (mesos/kafka also sent a comma string; both accepted). */
export const RemoveResponse = z.looseObject({
  ids: z.union([z.array(Id), z.string().transform((s) => s.split(',').filter(Boolean))]),
})
export type RemoveResponse = z.infer<typeof RemoveResponse>

/** Answer of broker start/stop: `{"status":"started|stopped|scheduled|timeout","brokers":[Broker]}`. */
export const StartStopResponse = z.looseObject({
  status: z.string(),
  brokers: z.array(BrokerJson).default([]),
  message: Str,
})
export type StartStopResponse = z.infer<typeof StartStopResponse>

/** Answer of broker restart: `{"status":"restarted|timeout","brokers":[Broker],"message"?}` (mesos/kafka `BrokerApi.scala`). */
export const RestartResponse = StartStopResponse
export type RestartResponse = StartStopResponse

/**
 * Checks a server answer against `schema` for the human output.
 * @throws ApiError (code `KM_ERR_RESPONSE`) `unexpected answer from <path>: <zod issues>`.
 */
export function decode<S extends z.ZodType>(schema: S, path: string, json: JsonValue): z.output<S> {
  const r = schema.safeParse(json)
  if (!r.success)
    throw new ApiError(`unexpected answer from ${path}: ${z.prettifyError(r.error)}`, 'KM_ERR_RESPONSE', 0)
  return r.data
}
