/** The credentials files: `--auth-file` (who may call a daemon: users, roles, hashed secrets) and `--credential` (a daemon's own principal and secret), read and checked. */

import { readFileSync, statSync } from 'node:fs'
import { z } from 'zod'
import { AuthFileError } from './auth-error.js'
import { ROLES } from './roles.js'
import { passwordHashProblem, tokenHashProblem } from './secret-hash.js'

/** A name as the files and Basic credentials carry it: no `:` (RFC 7617 section 2), no spaces or control characters. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/

const UserSchema = z
  .object({
    name: z.string().regex(NAME, 'expected a name of letters, digits and . _ @ + - (at most 128), such as "admin"'),
    role: z.enum(ROLES, { message: `expected one of ${ROLES.join(', ')}` }),
    password: z
      .string()
      .superRefine((s, ctx) => {
        const problem = passwordHashProblem(s)
        if (problem)
          ctx.addIssue({
            code: 'custom',
            message: `${problem}; a password is never stored as it is: make the hash with "kafka-mesos auth hash-password"`,
          })
      })
      .optional(),
    token: z
      .string()
      .superRefine((s, ctx) => {
        const problem = tokenHashProblem(s)
        if (problem)
          ctx.addIssue({
            code: 'custom',
            message: `${problem}; make a token and its hash with "kafka-mesos auth token"`,
          })
      })
      .optional(),
    /** framework principals: the roles it may register with (Mesos ACL `register_frameworks`); absent = any */
    frameworkRoles: z.array(z.string().min(1)).optional(),
    /** framework principals: the OS users its tasks may run as (Mesos ACL `run_tasks`); absent = any */
    taskUsers: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .refine((u) => u.password !== undefined || u.token !== undefined, {
    message: 'give a "password" (scrypt hash) or a "token" (sha256 hash), or both',
  })

const AuthFileSchema = z
  .object({ users: z.array(UserSchema).min(1, 'list at least one user') })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>()
    f.users.forEach((u, i) => {
      if (seen.has(u.name))
        ctx.addIssue({ code: 'custom', path: ['users', i, 'name'], message: `"${u.name}" is listed twice` })
      seen.add(u.name)
    })
  })

/** One user of an auth file. */
export type AuthUser = z.infer<typeof UserSchema>

/** The users of an auth file, checked. */
export interface AuthUsers {
  users: AuthUser[]
  /** where they were read from, for messages */
  source: string
}

/** A daemon's own principal and secret (Mesos agent `--credential`: `{"principal": "...", "secret": "..."}`). */
export interface OwnCredential {
  principal: string
  secret: string
}

const CredentialSchema = z
  .object({
    principal: z.string().regex(NAME, 'expected a name of letters, digits and . _ @ + - such as "agent-1"'),
    secret: z.string().min(16, 'expected a secret of at least 16 characters (kafka-mesos local makes 43)'),
  })
  .strict()

/** `line L, column C` of a character offset. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n')
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`
}

/** Parses JSON text. @throws AuthFileError naming the line and column of a syntax error */
function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message)
    const where = m ? ` at ${lineAndColumn(text, Number(m[1]))}` : ''
    throw new AuthFileError(`${source}: not valid JSON${where}: ${(e as Error).message}`)
  }
}

/** The first zod issue as `field: message`. */
function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  const path = issue.path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
    .join('')
  return `${path || '(top level)'}: ${issue.message}`
}

/**
 * Parses the text of an auth file: JSON `{"users": [{"name", "role", "password"?, "token"?,
 * "frameworkRoles"?, "taskUsers"?}]}`, where `password` is an scrypt hash and `token` a sha256 hash
 * (never the secret itself), roles are those of ./roles.ts, and names are unique.
 * @throws AuthFileError `<source>: users[2].password: expected an scrypt hash ...` for the first problem
 */
export function parseAuthFile(text: string, source: string): AuthUsers {
  const parsed = AuthFileSchema.safeParse(parseJson(text, source))
  if (!parsed.success) throw new AuthFileError(`${source}: ${firstIssue(parsed.error)}`)
  return { users: parsed.data.users, source }
}

/** Warnings about a secrets file anyone else may read (Mesos warns for a world-readable `--credentials`). */
function modeWarnings(path: string): string[] {
  const mode = statSync(path).mode & 0o777
  return mode & 0o077
    ? [`${path} can be read by other users (mode ${mode.toString(8)}); restrict it: chmod 600 ${path}`]
    : []
}

/** Reads a file. @throws AuthFileError naming the path */
function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (e) {
    throw new AuthFileError(
      `${flag} ${path}: cannot read it: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    )
  }
}

/**
 * Reads `--auth-file` (see {@link parseAuthFile}).
 * @returns the users, and warnings for the daemon to log (a file others can read)
 * @throws AuthFileError for an unreadable or invalid file, naming the field and the fix
 */
export function loadAuthFile(path: string): AuthUsers & { warnings: string[] } {
  const users = parseAuthFile(readText(path, '--auth-file'), path)
  return { ...users, warnings: modeWarnings(path) }
}

/**
 * Reads `--credential`: JSON `{"principal": "...", "secret": "..."}` (the shape of Mesos's agent
 * `--credential`), the daemon's own identity toward the master.
 * @throws AuthFileError for an unreadable or invalid file
 */
export function loadCredential(path: string): OwnCredential & { warnings: string[] } {
  const text = readText(path, '--credential')
  const parsed = CredentialSchema.safeParse(parseJson(text, path))
  if (!parsed.success) throw new AuthFileError(`${path}: ${firstIssue(parsed.error)}`)
  return { ...parsed.data, warnings: modeWarnings(path) }
}
