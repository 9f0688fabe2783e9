/** The role each route and operator call of the agent needs: its reads for a viewer, the executor API for the executors' own tokens, `/health` for anyone. */

import type { Context } from 'hono'
import type { Requirement, Role, RouteRule } from '../auth/index.js'

/**
 * The role of every agent operator call this agent answers (`POST /api/v1`, ./server.ts): both are
 * reads, as Mesos's agent ACLs count them (`include/mesos/authorizer/acls.proto`:
 * `view_containers`; GET_HEALTH needs no ACL). A call missing here needs an operator, so a write
 * added later without a role is refused to a viewer (`route-roles.test.ts` checks the table against
 * the calls the server answers).
 */
export const AGENT_OPERATOR_CALL_ROLES = {
  GET_HEALTH: 'viewer',
  GET_CONTAINERS: 'viewer',
} as const satisfies Record<string, Role>

/** The operator call's role from its JSON body's `type` (an unknown or unreadable call: operator). */
async function operatorCallRole(c: Context): Promise<Requirement> {
  let type: unknown
  try {
    type = (JSON.parse(await c.req.text()) as { type?: unknown } | null)?.type
  } catch {
    type = undefined
  }
  const known = typeof type === 'string' && Object.hasOwn(AGENT_OPERATOR_CALL_ROLES, type)
  const role: Role = known ? AGENT_OPERATOR_CALL_ROLES[type as keyof typeof AGENT_OPERATOR_CALL_ROLES] : 'operator'
  const action = `agent call ${typeof type === 'string' ? type.slice(0, 40) : '(no type)'}`
  return { kind: 'role', role, action }
}

/**
 * The agent's route table for its `--auth-file` (Mesos agent `--authenticate_http_readonly`: `/state`,
 * `/monitor/statistics`; `--authenticate_http_readwrite`: the v1 operator API):
 * - `/state`, `/slave(1)/state`, `/monitor/statistics(.json)`: a viewer (or higher);
 * - `/api/v1`: the role of its call ({@link AGENT_OPERATOR_CALL_ROLES});
 * - `/api/v1/executor`: not the auth file's users but the executors' own tokens, checked by the
 *   route itself (./executor-auth.ts), so it is `public` here;
 * - `/health`: public.
 * A route missing here needs admin (core-cluster/auth route-table.ts), and `route-roles.test.ts` fails.
 */
export const AGENT_ROUTE_ROLES: Readonly<Record<string, RouteRule>> = {
  '/health': 'public',
  '/api/v1/executor': 'public',
  '/api/v1': operatorCallRole,
  '/state': 'viewer',
  '/slave(1)/state': 'viewer',
  '/monitor/statistics': 'viewer',
  '/monitor/statistics.json': 'viewer',
}
