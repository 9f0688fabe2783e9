/** The CLI's credential for the scheduler's REST API: --user/--password/--token, else KM_USER/KM_PASSWORD/KM_TOKEN, else user=/password=/token= in ./kafka-mesos.properties. */

import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { PROPERTIES_FILE } from './api-url.js'
import { parseProperties } from './properties.js'
import { SchedulerApiError } from './scheduler-api-error.js'

/** The credential flags' values (cli/base/api-flag.ts). */
export interface CredentialFlags {
  user?: string
  password?: string
  token?: string
}

/** Where {@link resolveAuthorization} looks. Defaults: `process.env` and `process.cwd()`. */
export interface CredentialSources extends CredentialFlags {
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** What to set, for the message of a missing or refused credential. */
export const CREDENTIAL_HINT = `set --user and --password, KM_USER and KM_PASSWORD, or KM_TOKEN, or user=/password= or token= in ./${PROPERTIES_FILE} (kafka-mesos local writes one in its work dir)`

let fromFlags: CredentialFlags = {}

/** Remembers the running command's credential flags (BrokerCommand.init), for every call it makes. */
export function useCredentialFlags(flags: CredentialFlags): void {
  fromFlags = { user: flags.user, password: flags.password, token: flags.token }
}

function properties(cwd: string): Record<string, string> {
  try {
    return parseProperties(readFileSync(join(cwd, PROPERTIES_FILE), 'utf8'))
  } catch {
    return {}
  }
}

/**
 * The `Authorization` header the CLI sends, from the first source that has a credential: the flags
 * (a token, or a user with a password), then the environment (`KM_TOKEN`, `KM_USER` with
 * `KM_PASSWORD`), then `token=` or `user=`/`password=` in `./kafka-mesos.properties`. Empty values
 * count as unset. A user is sent as HTTP Basic (RFC 7617), a token as `Bearer` (RFC 6750).
 * @returns the header value, or undefined when no source has one (the scheduler may run open)
 * @throws SchedulerApiError (KM_ERR_CLI) for a user without a password
 */
export function resolveAuthorization(sources: CredentialSources = { ...fromFlags }): string | undefined {
  const env = sources.env ?? process.env
  const layers: Array<() => CredentialFlags> = [
    () => sources,
    () => ({ user: env.KM_USER, password: env.KM_PASSWORD, token: env.KM_TOKEN }),
    () => properties(sources.cwd ?? process.cwd()),
  ]
  for (const layer of layers) {
    const { user, password, token } = layer()
    if (token) return `Bearer ${token.trim()}`
    if (user) {
      if (!password)
        throw new SchedulerApiError(
          'KM_ERR_CLI',
          `user ${user} has no password: set --password, KM_PASSWORD or password= in ./${PROPERTIES_FILE}`,
        )
      return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`
    }
  }
  return undefined
}
