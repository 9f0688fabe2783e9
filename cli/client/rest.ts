/** The CLI's transport to the scheduler's REST API: form-urlencoded POSTs to `<api>/api/<group>/<op>`, plain JSON or streamed ndjson answers. */
// As mesos/kafka's CLI (`sendRequestString`, src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala), every
// call is an HTTP POST of `application/x-www-form-urlencoded` params. Unlike mesos/kafka (an empty body
// and the reason phrase), our scheduler answers errors with JSON `{"error": "<message>", "code": "KM_..."}`,
// which becomes a SchedulerApiError.

import { z } from 'zod'

import { schedulerFromApps } from './apps-discovery.js'
import { CREDENTIAL_HINT, resolveAuthorization } from './credentials.js'
import { SchedulerApiError } from './scheduler-api-error.js'

/** Any JSON value, as returned by the server and printed by `--json`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue }

const ErrorBody = z.looseObject({ error: z.string(), code: z.string().optional() })

/** Form params for a call; `undefined` values are left out. */
export type Params = Record<string, string | undefined>

/**
 * POSTs `params` form-urlencoded to `<api>/api/<path>` with the CLI's credential (./credentials.ts).
 * @throws SchedulerApiError `cannot reach the scheduler API at <url>: <cause>` (KM_ERR_UNREACHABLE) when the connection fails
 */
async function send(api: string, path: string, params: Params, accept: string): Promise<Response> {
  if (api.startsWith('apps://')) api = await schedulerFromApps(api)
  const body = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined) body.append(k, v)
  const authorization = resolveAuthorization()
  try {
    return await fetch(`${api}/api/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
        accept,
        ...(authorization ? { authorization } : {}),
      },
      body: body.toString(),
    })
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e
    const detail = cause instanceof Error ? ((cause as NodeJS.ErrnoException).code ?? cause.message) : String(cause)
    throw new SchedulerApiError('KM_ERR_UNREACHABLE', `cannot reach the scheduler API at ${api}: ${detail}`)
  }
}

/**
 * POSTs `params` form-urlencoded to `<api>/api/<path>` with global `fetch` and returns the parsed
 * JSON body of a 2xx answer (`null` for an empty body).
 *
 * @param api base URL from {@link resolveApi}.
 * @param path e.g. `broker/add`.
 * @throws SchedulerApiError with the server's `error` message and `code` on a non-2xx JSON error answer;
 *   `<status> - <reason>` for a non-2xx answer without one; `cannot reach the scheduler API at <url>: <cause>`
 *   (code `KM_ERR_UNREACHABLE`) when the connection fails.
 */
export async function post(api: string, path: string, params: Params): Promise<JsonValue> {
  const res = await send(api, path, params, 'application/json')
  return readJsonAnswer(res, `${api}/api/${path}`)
}

/** A 401's or 403's message with what to set: a credential, or one of a user with the role named. */
function withHint(body: { error: string; code?: string }, status: number): { error: string; code?: string } {
  if (status === 401) return { ...body, error: `${body.error}; ${CREDENTIAL_HINT}` }
  if (status === 403)
    return { ...body, error: `${body.error}; use the credential of a user with that role (${CREDENTIAL_HINT})` }
  return body
}

/**
 * A plain JSON answer: the parsed body (null when empty).
 * @throws SchedulerApiError with the server's `error` and `code` on a non-2xx JSON error answer, `<status> - <reason>`
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
    if (err.success) throw SchedulerApiError.fromAnswer(withHint(err.data, res.status), res.status)
    throw new SchedulerApiError('KM_ERR_HTTP', `${res.status} - ${res.statusText || 'error'}`, res.status)
  }
  if (json === undefined) {
    if (text.trim() === '') return null
    throw new SchedulerApiError('KM_ERR_RESPONSE', `unexpected non-JSON answer from ${url}`, res.status)
  }
  return json
}

/**
 * Like {@link post}, but asks for a streamed answer (`Accept: application/x-ndjson`): every
 * `{"progress":"..."}` line goes to `onProgress` as it arrives, and the last other line is returned.
 * A server that answers plain JSON works too (no progress lines).
 *
 * @throws SchedulerApiError as {@link post}; also for an `{"error","code"}` line in the stream and a stream that ends without an answer.
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
      throw new SchedulerApiError(
        'KM_ERR_RESPONSE',
        `unexpected non-JSON line from ${url}: ${line.slice(0, 200)}`,
        res.status,
      )
    }
    const progress = z.looseObject({ progress: z.string() }).safeParse(json)
    if (progress.success) return onProgress(progress.data.progress)
    const err = ErrorBody.safeParse(json)
    if (err.success) throw SchedulerApiError.fromAnswer(withHint(err.data, res.status), res.status)
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
    throw new SchedulerApiError('KM_ERR_RESPONSE', `the answer from ${url} ended without a result`, res.status)
  return answer
}
