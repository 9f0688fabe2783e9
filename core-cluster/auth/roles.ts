/** Roles: what a principal may do, the order of the people's roles, and the check of one against a need. */

/**
 * The roles of a credentials file's users:
 * - `viewer` < `operator` < `admin`: people and scripts on the REST APIs; each includes the ones
 *   before it (the scheduler's API: viewer lists and reads, operator starts, stops and rebalances,
 *   admin adds, changes and removes; the master's operator API: viewer reads, operator writes);
 * - `framework`: a Mesos framework on the master's v1 scheduler API (Mesos `--authenticate_frameworks`);
 * - `agent`: an agent on the master's agent link (Mesos `--authenticate_agents`).
 */
export const ROLES = ['viewer', 'operator', 'admin', 'framework', 'agent'] as const

export type Role = (typeof ROLES)[number]

/** The people's roles in increasing power. */
const LEVEL: Partial<Record<Role, number>> = { viewer: 1, operator: 2, admin: 3 }

/**
 * True when a principal with role `have` may do what needs `need`: a people's role includes the
 * lower ones (admin ⊇ operator ⊇ viewer); `framework` and `agent` satisfy only themselves.
 */
export function roleSatisfies(have: Role, need: Role): boolean {
  const h = LEVEL[have]
  const n = LEVEL[need]
  if (h !== undefined && n !== undefined) return h >= n
  return have === need
}
