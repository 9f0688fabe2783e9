/** The CLI's client of the master's v1 operator API (`POST /api/v1`, JSON), and its error. */
// It tries each master of a comma list and follows a standby's 307 to the leader, as Mesos's operator
// API does with several masters (docs/operator-http-api.md, include/mesos/v1/master/master.proto).

import { type ErrorCode, KmError } from '../../errors/index.js'
import { statusOption } from './http-status.js'
import type { JsonValue } from './rest.js'

/** A failed operator call: the master refused it, or no master could be reached. */
export class MasterApiError extends KmError {
  /** The HTTP status of the master's answer (503 when no master could be reached, 400 for a bad --master). */
  readonly httpStatus: number
  constructor(code: ErrorCode, message: string, httpStatus: number) {
    super(code, message, statusOption(httpStatus))
    this.httpStatus = httpStatus
  }
}

/** Masters to use: `--master`, else env KM_MASTER, else 127.0.0.1:5050 (comma list of host:port). */
export function resolveMasters(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (flag ?? env.KM_MASTER ?? '127.0.0.1:5050')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (list.length === 0)
    throw new MasterApiError('KM_ERR_INVALID_PARAM', '--master: expected host:port[,host:port...]', 400)
  return list
}

/**
 * Sends one operator call and returns its JSON answer (`{}` for calls answered 200 with no body).
 * @throws MasterApiError with the master's reason for a 4xx, or "cannot reach" when no master answers
 */
export async function operatorCall(
  masters: readonly string[],
  call: { type: string; [k: string]: unknown },
  timeoutMs = 10_000,
): Promise<JsonValue> {
  const reasons: string[] = []
  for (const first of masters) {
    let address = first
    for (let hop = 0; hop < 3; hop++) {
      let res: Response
      try {
        res = await fetch(`http://${address}/api/v1`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify(call),
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (e) {
        reasons.push(`${address}: ${(e as Error).message}`)
        break
      }
      const location = res.headers.get('location')
      if (res.status === 307 && location) {
        address = location.replace(/^(https?:)?\/\//, '').replace(/\/.*$/, '')
        continue
      }
      const text = await res.text()
      if (res.status === 503) {
        reasons.push(`${address}: ${text || 'unavailable'}`)
        break
      }
      if (res.status >= 400)
        throw new MasterApiError(
          'KM_ERR_MASTER',
          `master ${address} refused ${call.type}: ${text.replace(/^Failed to validate master::Call: /, '')}`,
          res.status,
        )
      return text ? (JSON.parse(text) as JsonValue) : {}
    }
  }
  throw new MasterApiError(
    'KM_ERR_UNREACHABLE',
    `cannot reach a leading master (${reasons.join('; ') || masters.join(',')}); pass --master host:port or set KM_MASTER`,
    503,
  )
}
