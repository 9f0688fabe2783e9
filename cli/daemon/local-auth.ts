/** The admin credential of `kafka-mesos local`: made once in its work dir (mode 0600), the scheduler's --auth-file and the token the CLI sends. */

import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { hashToken, newSecret } from '../../core-cluster/auth/index.js'

/** Where the local cluster keeps its REST API credential. */
export interface LocalAuth {
  /** the scheduler's `--auth-file`: user `admin`, role admin, the token's sha256 */
  authFile: string
  /** the admin's bearer token, for `KM_TOKEN` (`export KM_TOKEN=$(cat <tokenFile>)`) */
  tokenFile: string
  token: string
}

/**
 * Makes the local cluster's admin credential on its first run and reuses it afterwards:
 * `<workDir>/admin.token` (a random 256-bit token, core-cluster/auth newSecret) and
 * `<workDir>/scheduler-users.json` (`{"users":[{"name":"admin","role":"admin","token":"sha256:..."}]}`),
 * both mode 0600. A token file left without its auth file (or the other way round) is made anew.
 */
export function ensureLocalAuth(workDir: string): LocalAuth {
  const authFile = join(workDir, 'scheduler-users.json')
  const tokenFile = join(workDir, 'admin.token')
  if (existsSync(authFile) && existsSync(tokenFile)) {
    const token = readFileSync(tokenFile, 'utf8').trim()
    if (token !== '') return { authFile, tokenFile, token }
  }
  const token = newSecret('kmt_')
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 })
  chmodSync(tokenFile, 0o600)
  const users = { users: [{ name: 'admin', role: 'admin', token: hashToken(token) }] }
  writeFileSync(authFile, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 })
  chmodSync(authFile, 0o600)
  return { authFile, tokenFile, token }
}
