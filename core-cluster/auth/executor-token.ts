/** Executor tokens: the JWT an agent gives each executor it launches, and the check that a call comes from that executor. */

import { createHmac, timingSafeEqual } from 'node:crypto'

/** The claims of an executor token, as Mesos's agent mints them (`src/authentication/executor/jwt_secret_generator.cpp`). */
export interface ExecutorClaims {
  /** FrameworkID */
  fid: string
  /** ExecutorID */
  eid: string
  /** ContainerID */
  cid: string
}

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')

function sign(key: Buffer, input: string): string {
  return createHmac('sha256', key).update(input).digest('base64url')
}

/**
 * Mints an executor's token: a compact JWT (RFC 7519) signed HS256 with the agent's key, claims
 * `fid`, `eid`, `cid` and no expiry, as a Mesos agent with `--authenticate_http_executors` and
 * `--jwt_secret_key` gives it in `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`.
 */
export function mintExecutorToken(key: Buffer, claims: ExecutorClaims): string {
  const payload = Buffer.from(JSON.stringify({ fid: claims.fid, eid: claims.eid, cid: claims.cid })).toString(
    'base64url',
  )
  const input = `${HEADER}.${payload}`
  return `${input}.${sign(key, input)}`
}

/**
 * Checks an executor token: three base64url parts, header `alg` HS256 (no other algorithm, never
 * `none`), a signature equal in constant time, and string claims `fid`, `eid`, `cid`; an `exp` in
 * the past is refused (Mesos's `jwt.cpp` parser does the same).
 * @returns the claims, or the reason the token is refused
 */
export function verifyExecutorToken(key: Buffer, token: string): ExecutorClaims | string {
  const parts = token.split('.')
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) return 'not a compact JWT'
  const [h, p, s] = parts
  const want = Buffer.from(sign(key, `${h}.${p}`))
  const got = Buffer.from(s)
  if (got.length !== want.length || !timingSafeEqual(got, want)) return 'bad signature'
  let header: unknown
  let claims: unknown
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))
  } catch {
    return 'not JSON'
  }
  if ((header as { alg?: unknown } | null)?.alg !== 'HS256') return 'not an HS256 token'
  const c = claims as Record<string, unknown> | null
  if (!c || typeof c.fid !== 'string' || typeof c.eid !== 'string' || typeof c.cid !== 'string')
    return 'claims fid, eid and cid are missing'
  if (c.exp !== undefined && (typeof c.exp !== 'number' || c.exp * 1000 < Date.now())) return 'expired'
  return { fid: c.fid, eid: c.eid, cid: c.cid }
}
