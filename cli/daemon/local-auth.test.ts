/** The admin credential of `kafka-mesos local`: made once with mode 0600, reused on the next run, and accepted by the scheduler's authenticator. */

import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { Authenticator, loadAuthFile } from '../../core-cluster/auth/index.js'
import { ensureLocalAuth } from './local-auth.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

test('made once, mode 0600, the same token on the next run; the token authenticates as admin, a prefix of it does not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'km-local-auth-'))
  dirs.push(dir)
  const first = ensureLocalAuth(dir)
  expect(first.token).toMatch(/^kmt_[A-Za-z0-9_-]{43}$/)
  for (const f of [first.authFile, first.tokenFile]) expect(statSync(f).mode & 0o777).toBe(0o600)
  expect(ensureLocalAuth(dir).token).toBe(first.token)
  const file = loadAuthFile(first.authFile)
  expect(file.warnings).toEqual([])
  const auth = new Authenticator(file)
  const ok = await auth.authenticate(`Bearer ${first.token}`)
  expect(ok).toMatchObject({ ok: true, principal: { name: 'admin', role: 'admin' } })
  expect((await auth.authenticate(`Bearer ${first.token.slice(0, -1)}`)).ok).toBe(false)
})
