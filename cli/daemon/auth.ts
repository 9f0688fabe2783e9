/** The daemons' authentication flags (`--auth-file`, `--credential`, `--insecure`) and the rule for a daemon started without credentials. */

import { Flags } from '@oclif/core'
import type { Logger } from 'pino'
import {
  Authenticator,
  AuthFileError,
  loadAuthFile,
  loadCredential,
  type OwnCredential,
} from '../../core-cluster/auth/index.js'

/** `--auth-file`: who may call the daemon. */
export const authFileFlag = {
  'auth-file': Flags.string({
    description:
      'credentials file of the users who may call this daemon, with their roles and hashed secrets (JSON; README "Authentication"); kafka-mesos local writes one',
    helpValue: '<path>',
  }),
  insecure: Flags.boolean({
    description:
      'run without --auth-file on an address other hosts reach: anyone who reaches the port may do everything (never in production)',
    default: false,
  }),
}

/** `--credential`: the daemon's own principal and secret toward the master. */
export const credentialFlag = {
  credential: Flags.string({
    description:
      'this daemon\'s principal and secret toward the master, JSON {"principal":"...","secret":"..."} (Mesos --credential)',
    helpValue: '<path>',
  }),
}

/** True for an address only this machine reaches: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host === '[::1]' || host === 'localhost'
}

/**
 * Reads `--auth-file` into an authenticator, and applies the safe default for a daemon without one:
 * on a loopback address it runs open and says so in its log; on any other address it refuses to
 * start unless `--insecure` says the operator means it.
 * @returns the authenticator, or undefined when authentication is off
 * @throws AuthFileError for an unreadable or invalid file, or an open daemon on a non-loopback address
 */
export function daemonAuthenticator(
  flags: { 'auth-file'?: string; insecure?: boolean },
  host: string,
  what: string,
  log: Logger,
): Authenticator | undefined {
  const path = flags['auth-file']
  if (!path) {
    if (!isLoopback(host) && !flags.insecure)
      throw new AuthFileError(
        `${what} on ${host} without --auth-file: anyone who reaches it could do everything. Give --auth-file <path> (kafka-mesos local writes one; README "Authentication"), or --insecure to run it open anyway`,
      )
    log.warn(
      { host },
      `authentication is off: no --auth-file, so every caller that reaches ${host} may do everything on the ${what}`,
    )
    return undefined
  }
  const file = loadAuthFile(path)
  for (const w of file.warnings) log.warn(w)
  log.info({ authFile: path, users: file.users.length }, 'authentication is on')
  return new Authenticator(file)
}

/** Reads `--credential` (warning when others may read it). @throws AuthFileError */
export function daemonCredential(path: string | undefined, log: Logger): OwnCredential | undefined {
  if (!path) return undefined
  const { warnings, ...credential } = loadCredential(path)
  for (const w of warnings) log.warn(w)
  return credential
}
