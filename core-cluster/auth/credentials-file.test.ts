/** The credentials files: a good file loads; each kind of mistake is refused naming the field and the fix; loose modes are warned about. */

import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { AuthFileError } from './auth-error.js'
import { loadAuthFile, loadCredential, parseAuthFile } from './credentials-file.js'
import { hashPassword, hashToken } from './secret-hash.js'

let pw = ''
const token = hashToken('kmt_example-token')
beforeAll(async () => {
  pw = await hashPassword('pw', { ln: 10, r: 8, p: 1 })
})

const parse = (value: unknown) => parseAuthFile(JSON.stringify(value), 'auth.json')
const problem = (value: unknown) => {
  try {
    parse(value)
  } catch (e) {
    expect(e).toBeInstanceOf(AuthFileError)
    return (e as Error).message
  }
  throw new Error('expected the file to be refused')
}

describe('the auth file', () => {
  test('users with a role and a password hash or a token hash load', () => {
    const f = parse({
      users: [
        { name: 'admin', role: 'admin', password: pw },
        { name: 'ci', role: 'operator', token },
        { name: 'kafka-mesos', role: 'framework', password: pw, frameworkRoles: ['*', 'kafka'], taskUsers: ['root'] },
      ],
    })
    expect(f.users.map((u) => [u.name, u.role])).toEqual([
      ['admin', 'admin'],
      ['ci', 'operator'],
      ['kafka-mesos', 'framework'],
    ])
  })

  test('each mistake is refused with the field and the fix', () => {
    expect(problem({ users: [{ name: 'a', role: 'admin', password: 'plain-text' }] })).toMatch(
      /^auth\.json: users\[0\]\.password: expected an scrypt hash .*kafka-mesos auth hash-password/,
    )
    expect(problem({ users: [{ name: 'a', role: 'admin', token: 'kmt_x' }] })).toMatch(
      /users\[0\]\.token: expected a token hash .*kafka-mesos auth token/,
    )
    expect(problem({ users: [{ name: 'a', role: 'root', password: pw }] })).toMatch(
      /users\[0\]\.role: expected one of viewer, operator, admin, framework, agent/,
    )
    expect(problem({ users: [{ name: 'a:b', role: 'admin', password: pw }] })).toMatch(
      /users\[0\]\.name: expected a name/,
    )
    expect(problem({ users: [{ name: 'a', role: 'admin' }] })).toMatch(/give a "password" .* or a "token"/)
    expect(
      problem({
        users: [
          { name: 'a', role: 'admin', password: pw },
          { name: 'a', role: 'viewer', password: pw },
        ],
      }),
    ).toMatch(/users\[1\]\.name: "a" is listed twice/)
    expect(problem({ users: [] })).toMatch(/users: list at least one user/)
    expect(problem({ users: [{ name: 'a', role: 'admin', password: pw, pasword: 'typo' }] })).toMatch(/users\[0\]/)
    expect(problem({})).toMatch(/users/)
  })

  test('JSON syntax errors name the line and column', () => {
    expect(() => parseAuthFile('{\n  "users": [\n    {"name": "a",}\n  ]\n}', 'auth.json')).toThrow(
      /auth\.json: not valid JSON at line 3, column \d+/,
    )
  })

  test('a file other users can read loads with a warning; a missing file names the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'km-auth-file-'))
    const path = join(dir, 'auth.json')
    writeFileSync(path, JSON.stringify({ users: [{ name: 'admin', role: 'admin', password: pw }] }), { mode: 0o644 })
    chmodSync(path, 0o644)
    expect(loadAuthFile(path).warnings).toEqual([expect.stringMatching(/can be read by other users.*chmod 600/)])
    chmodSync(path, 0o600)
    expect(loadAuthFile(path).warnings).toEqual([])
    expect(() => loadAuthFile(join(dir, 'nope.json'))).toThrow(/--auth-file .*nope\.json: cannot read it: ENOENT/)
  })
})

describe('the daemon credential (--credential)', () => {
  test('{"principal","secret"} loads; a short secret or another field is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'km-credential-'))
    const path = join(dir, 'c.json')
    writeFileSync(path, JSON.stringify({ principal: 'agent-1', secret: 'x'.repeat(43) }), { mode: 0o600 })
    expect(loadCredential(path)).toEqual({ principal: 'agent-1', secret: 'x'.repeat(43), warnings: [] })
    writeFileSync(path, JSON.stringify({ principal: 'agent-1', secret: 'short' }))
    expect(() => loadCredential(path)).toThrow(/secret: expected a secret of at least 16 characters/)
  })
})
