/** The role rules: which role names are valid, and which reservations a framework's role may use. */

import { type Resource, resourceRole } from '../../proto/index.js'

/**
 * Mesos role-name rules (`docs/roles.md` "Invalid role names", `src/common/roles.cpp`): `*`, or a
 * `/`-separated path such as `eng/backend` with no leading, trailing or doubled `/`, whose components
 * are not `.`, `..` or `*`, do not start with `-` and hold no whitespace or control characters.
 * @returns the problem, or undefined for a valid name
 */
export function validateRoleName(role: string): string | undefined {
  if (role === '*') return undefined
  if (role.length === 0) return 'a role name must not be empty'
  if (role.startsWith('/') || role.endsWith('/') || role.includes('//'))
    return `role '${role}' must not start or end with '/' or contain '//'`
  for (const part of role.split('/')) {
    if (part === '.' || part === '..' || part === '*') return `role '${role}' has an invalid component '${part}'`
    if (part.startsWith('-')) return `role '${role}' has a component starting with '-'`
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is exactly that control characters are refused
    if (/[\s\x00-\x1f\x7f]/.test(part)) return `role '${role}' contains whitespace or control characters`
  }
  return undefined
}

/**
 * True when a framework in `role` may use resources reserved to `reservedRole`: unreserved, its own
 * role's, or an ancestor's (`eng` reservations serve `eng/backend`), as Mesos hierarchical roles
 * (`docs/roles.md`, `docs/reservation.md`).
 */
export function roleMayUse(role: string, reservedRole: string): boolean {
  return reservedRole === '*' || reservedRole === role || role.startsWith(`${reservedRole}/`)
}

/** Resources of `available` that a framework in `role` may be offered: unreserved plus its role's (and ancestors') reservations. */
export function offerableTo(role: string, available: Resource[]): Resource[] {
  return available.filter((r) => roleMayUse(role, resourceRole(r)))
}
