/** Executor authentication on the agent: the key it signs executor tokens with (kept in its work dir), the token of each executor, and the check that a call comes from the executor it names. */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import type { ErrorCode } from '../../errors/index.js'
import { type ExecutorClaims, mintExecutorToken, parseAuthorization, verifyExecutorToken } from '../auth/index.js'

/** The variable an executor finds its token in (Mesos `docs/executor-http-api.md`, "Executor Environment Variables"). */
export const EXECUTOR_TOKEN_ENV = 'MESOS_EXECUTOR_AUTHENTICATION_TOKEN'

/** The realm of the executor API's `WWW-Authenticate` (Mesos's agent uses `mesos-agent-executor`). */
export const EXECUTOR_REALM = 'mesos-agent-executor'

/** A refused executor call: 401 (no token, or not one this agent signed) or 403 (another executor's token). */
export interface ExecutorRefusal {
  status: 401 | 403
  code: ErrorCode
  error: string
}

/** The executor a call names, and the container its run has now (undefined: no such run). */
export interface NamedExecutor {
  frameworkId: string
  executorId: string
  containerId: string | undefined
}

/** The key file under the work dir: 32 random bytes, hex, mode 0600, made once (Mesos `--jwt_secret_key` names such a file). */
const KEY_FILE = join('meta', 'executor-token.key')

/**
 * Executor authentication as a Mesos agent started with `--authenticate_http_executors` does it
 * (`docs/authentication.md`, "Executor"; `src/slave/http.cpp`, `Http::executor`): the agent signs a
 * token (HS256 JWT, `core-cluster/auth/executor-token.ts`) with claims `fid`, `eid`, `cid` for every
 * executor it launches and puts it in `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`; every call to
 * `/api/v1/executor` must carry it as `Authorization: Bearer <token>`, and its claims must be the
 * framework, executor and current container of the call, so that executor X's token is refused for
 * executor Y, and an older run's token for a new run of the same executor.
 *
 * The key is kept in `<work dir>/meta/executor-token.key`, so that executors re-attached after an
 * agent restart (./recovery.ts) keep their tokens.
 */
export class ExecutorAuthentication {
  constructor(private readonly key: Buffer) {}

  /**
   * The agent's key from `<workDir>/meta/executor-token.key`, made (32 random bytes, mode 0600,
   * written atomically) when the file is absent.
   * @throws Error when the file exists but holds no 64 hex digits (a corrupted key is not replaced silently)
   */
  static fromWorkDir(workDir: string): ExecutorAuthentication {
    const file = join(workDir, KEY_FILE)
    let text: string | undefined
    try {
      text = readFileSync(file, 'utf8').trim()
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e
    }
    if (text === undefined) {
      const key = randomBytes(32)
      mkdirSync(join(workDir, 'meta'), { recursive: true })
      writeFileAtomic.sync(file, key.toString('hex'), { mode: 0o600 })
      return new ExecutorAuthentication(key)
    }
    if (!/^[0-9a-f]{64}$/.test(text))
      throw new Error(
        `${file} does not hold an executor token key (64 hex digits); remove it to make a new one (running executors then lose their tokens)`,
      )
    return new ExecutorAuthentication(Buffer.from(text, 'hex'))
  }

  /** The token of one executor run. */
  token(run: { frameworkId: string; executorId: string; container: { id: string } }): string {
    return mintExecutorToken(this.key, { fid: run.frameworkId, eid: run.executorId, cid: run.container.id })
  }

  /**
   * Step 1, before the body is read: the `Authorization` header must be `Bearer <a token this agent signed>`.
   * @returns the token's claims, or a 401 refusal saying why
   */
  authenticate(header: string | undefined): ExecutorClaims | ExecutorRefusal {
    const parsed = parseAuthorization(header)
    const refuse = (error: string): ExecutorRefusal => ({ status: 401, code: 'KM_ERR_UNAUTHENTICATED', error })
    if (!parsed)
      return refuse(
        `executor calls need the executor's token: send "Authorization: Bearer $${EXECUTOR_TOKEN_ENV}" (the agent puts it in the executor's environment)`,
      )
    if (!parsed.ok) return refuse(`executor authentication failed: ${parsed.reason}`)
    if (parsed.credential.scheme !== 'bearer')
      return refuse(
        `executor authentication failed: executors send their token as Bearer, not ${parsed.credential.scheme}`,
      )
    const claims = verifyExecutorToken(this.key, parsed.credential.token)
    if (typeof claims === 'string') return refuse(`executor authentication failed: the token is refused (${claims})`)
    return claims
  }

  /**
   * Step 2, once the call is decoded: the token's claims must name the call's framework and
   * executor, and the container of that executor's current run (Mesos: 403 "Executor has no
   * permission").
   * @returns a 403 refusal, or undefined when the call is the token's own executor's
   */
  authorize(claims: ExecutorClaims, call: NamedExecutor): ExecutorRefusal | undefined {
    const refuse = (why: string): ExecutorRefusal => ({
      status: 403,
      code: 'KM_ERR_FORBIDDEN',
      error: `the token is executor ${claims.eid}'s of framework ${claims.fid}; ${why}`,
    })
    if (claims.fid !== call.frameworkId || claims.eid !== call.executorId)
      return refuse(`it may not act as executor ${call.executorId} of framework ${call.frameworkId}`)
    if (call.containerId !== undefined && claims.cid !== call.containerId)
      return refuse(`it was given to an earlier run (container ${claims.cid}), not the current one`)
    return undefined
  }
}
