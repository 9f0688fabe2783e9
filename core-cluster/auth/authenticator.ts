/** The authenticator: a request's `Authorization` header checked against a credentials file's users, with verified Basic credentials remembered. */

import { timingSafeEqual } from 'node:crypto'
import { type PresentedCredential, parseAuthorization } from './authorization-header.js'
import type { AuthUser, AuthUsers } from './credentials-file.js'
import type { Role } from './roles.js'
import { sha256, verifyPassword, verifyToken } from './secret-hash.js'

/** Who a request authenticated as. */
export interface Principal {
  name: string
  role: Role
  /** how: HTTP Basic (user and password) or a Bearer token */
  scheme: 'basic' | 'bearer'
  /** framework principals: the roles they may register with, the users their tasks may run as (undefined = any) */
  frameworkRoles?: readonly string[]
  taskUsers?: readonly string[]
}

/** The answer for one request: its principal, or why not (`missing`: no header; `malformed`; `invalid`: wrong credentials). */
export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; why: 'missing' | 'malformed' | 'invalid'; detail: string }

/** At most this many scrypt checks run at once: a flood of wrong passwords cannot take every libuv thread. */
const MAX_CONCURRENT_SCRYPT = 2

/**
 * Checks requests against the users of an auth file. Basic credentials are verified with scrypt
 * once; the sha256 of a verified password is then remembered per user, so that a framework's steady
 * stream of calls costs one constant-time comparison each, not one scrypt. Bearer tokens are
 * compared (sha256, constant time) with every user's token.
 */
export class Authenticator {
  private readonly byName = new Map<string, AuthUser>()
  private readonly withToken: AuthUser[]
  /** user name → sha256 of the password last verified for it */
  private readonly verified = new Map<string, Buffer>()
  private running = 0
  private readonly waiting: Array<() => void> = []

  constructor(readonly users: AuthUsers) {
    for (const u of users.users) this.byName.set(u.name, u)
    this.withToken = users.users.filter((u) => u.token !== undefined)
  }

  /**
   * Authenticates one request by its `Authorization` header (./authorization-header.ts).
   * Never throws: a malformed header or an unknown user is an answer, not an error.
   */
  async authenticate(header: string | null | undefined): Promise<Authentication> {
    const parsed = parseAuthorization(header)
    if (!parsed) return { ok: false, why: 'missing', detail: 'no credentials were sent' }
    if (!parsed.ok) return { ok: false, why: 'malformed', detail: parsed.reason }
    const user = await this.check(parsed.credential)
    if (!user) return { ok: false, why: 'invalid', detail: 'wrong user, password or token' }
    return {
      ok: true,
      principal: {
        name: user.name,
        role: user.role,
        scheme: parsed.credential.scheme,
        ...(user.frameworkRoles ? { frameworkRoles: user.frameworkRoles } : {}),
        ...(user.taskUsers ? { taskUsers: user.taskUsers } : {}),
      },
    }
  }

  private async check(c: PresentedCredential): Promise<AuthUser | undefined> {
    if (c.scheme === 'bearer') {
      let found: AuthUser | undefined
      // every token is compared, so the time does not say which one matched
      for (const u of this.withToken) if (verifyToken(c.token, u.token!) && !found) found = u
      return found
    }
    const user = this.byName.get(c.user)
    if (!user?.password) return undefined
    const digest = sha256(c.password)
    const known = this.verified.get(user.name)
    if (known && timingSafeEqual(known, digest)) return user
    if (!(await this.scrypt(c.password, user.password))) return undefined
    this.verified.set(user.name, digest)
    return user
  }

  private async scrypt(password: string, encoded: string): Promise<boolean> {
    // a waiter is handed the slot of the check that ends
    if (this.running >= MAX_CONCURRENT_SCRYPT) await new Promise<void>((r) => this.waiting.push(r))
    else this.running++
    try {
      return await verifyPassword(password, encoded)
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}
