/**
 * The CLI's client of the master's v1 operator API (`POST /api/v1`, JSON): tries each master of a
 * comma list and follows a standby's 307 to the leader (mesos-api.md §1.1, §4).
 */

import { ApiError, type JsonValue } from './api.js'

/** Masters to use: `--master`, else env KM_MASTER, else 127.0.0.1:5050 (comma list of host:port). */
export function resolveMasters(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
  const list = (flag ?? env.KM_MASTER ?? '127.0.0.1:5050')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (list.length === 0) throw new ApiError('--master: expected host:port[,host:port...]', 'KM_ERR_INVALID_PARAM', 400)
  return list
}

/**
 * Sends one operator call and returns its JSON answer (`{}` for calls answered 200 with no body).
 * @throws ApiError with the master's reason for a 4xx, or "cannot reach" when no master answers
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
        throw new ApiError(
          `master ${address} refused ${call.type}: ${text.replace(/^Failed to validate master::Call: /, '')}`,
          'KM_ERR_MASTER',
          res.status,
        )
      return text ? (JSON.parse(text) as JsonValue) : {}
    }
  }
  throw new ApiError(
    `cannot reach a leading master (${reasons.join('; ') || masters.join(',')}); pass --master host:port or set KM_MASTER`,
    'KM_ERR_UNREACHABLE',
    503,
  )
}
