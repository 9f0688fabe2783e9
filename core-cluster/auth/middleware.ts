/** The hono middleware every daemon's HTTP face runs first: it authenticates the request, checks the role its route needs, and answers 401 or 403. */

import type { Context, MiddlewareHandler } from 'hono'
import type { Logger } from 'pino'
import type { ErrorCode } from '../../errors/index.js'
import type { Authenticator, Principal } from './authenticator.js'
import { type Role, roleSatisfies } from './roles.js'

/**
 * What a route asks of its caller:
 * - `public`: nothing (health checks, the leader's address, a download with a valid path token);
 * - `any`: any authenticated principal, whatever its role;
 * - `role`: a principal whose role satisfies `role` (./roles.ts); `action` names the call in a 403.
 */
export type Requirement =
  | { kind: 'public' }
  | { kind: 'any'; action: string }
  | { kind: 'role'; role: Role; action: string }

declare module 'hono' {
  interface ContextVariableMap {
    /** who the request authenticated as; undefined when authentication is off (or the route is public) */
    principal: Principal | undefined
    /** whether the daemon authenticates requests at all */
    authEnabled: boolean
  }
}

/** Who the request authenticated as (undefined when authentication is off or the route is public). */
export function principalOf(c: Context): Principal | undefined {
  return c.get('principal')
}

/**
 * True when the caller may do what needs `role`: authentication is off (every caller is trusted, as
 * a Mesos master without `--authenticate_*`), or its principal's role satisfies `role`. For checks
 * inside a route, e.g. a field only an admin may set.
 */
export function callerMay(c: Context, role: Role): boolean {
  if (!c.get('authEnabled')) return true
  const p = c.get('principal')
  return p !== undefined && roleSatisfies(p.role, role)
}

/** Settings of {@link authMiddleware}. */
export interface AuthMiddlewareOptions {
  /** the daemon's users; undefined: authentication is off and every request passes */
  authenticator?: Authenticator
  /** the realm named in `WWW-Authenticate` (Mesos: `mesos-master-scheduler`, ...) */
  realm: string
  /** what the request's route asks (each daemon's route table) */
  requirement(c: Context): Requirement | Promise<Requirement>
  /** refusals are logged here (warn), without any secret */
  log?: Pick<Logger, 'warn'>
}

/** The JSON error answer of a refusal. */
function refuse(c: Context, status: 401 | 403, code: ErrorCode, error: string): Response {
  return c.json({ error, code }, status)
}

/**
 * The hono middleware that authenticates every request before any route runs (register it first):
 * - no credentials where the route needs some, or wrong or malformed ones: **401** with
 *   `WWW-Authenticate: Basic realm="<realm>", charset="UTF-8", Bearer realm="<realm>"` (RFC 7617,
 *   RFC 6750; several challenges in one header, RFC 9110 section 11.6.1) and
 *   `{"error", "code": "KM_ERR_UNAUTHENTICATED"}`;
 * - a role too low: **403** `{"error": "<who> has role viewer; broker add needs role admin", "code": "KM_ERR_FORBIDDEN"}`.
 * The principal is then on the context ({@link principalOf}). The header is never logged.
 */
export function authMiddleware(o: AuthMiddlewareOptions): MiddlewareHandler {
  const challenge = `Basic realm="${o.realm}", charset="UTF-8", Bearer realm="${o.realm}"`
  return async (c, next) => {
    c.set('authEnabled', o.authenticator !== undefined)
    c.set('principal', undefined)
    if (!o.authenticator) return next()
    const need = await o.requirement(c)
    if (need.kind === 'public') return next()
    const auth = await o.authenticator.authenticate(c.req.header('authorization'))
    if (!auth.ok) {
      o.log?.warn({ path: c.req.path, method: c.req.method, why: auth.why }, 'request refused: not authenticated')
      c.header('WWW-Authenticate', challenge)
      const hint =
        auth.why === 'missing'
          ? `authentication required: send a user and password (HTTP Basic) or a token (Authorization: Bearer ...)`
          : `authentication failed: ${auth.detail}`
      return refuse(c, 401, 'KM_ERR_UNAUTHENTICATED', hint)
    }
    const p = auth.principal
    if (need.kind === 'role' && !roleSatisfies(p.role, need.role)) {
      o.log?.warn(
        { path: c.req.path, principal: p.name, role: p.role, needs: need.role },
        'request refused: role too low',
      )
      const higher = need.role === 'viewer' || need.role === 'operator' ? ' (or higher)' : ''
      return refuse(
        c,
        403,
        'KM_ERR_FORBIDDEN',
        `${p.name} has role ${p.role}; ${need.action} needs role ${need.role}${higher}`,
      )
    }
    c.set('principal', p)
    return next()
  }
}
