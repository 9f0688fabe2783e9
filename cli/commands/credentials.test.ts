/** The CLI's credentials: --user/--password, --token, KM_USER/KM_PASSWORD/KM_TOKEN and kafka-mesos.properties sent as Authorization; a 401 or 403 is `Error: ...` saying what to set, exit 1. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { resolveAuthorization } from '../client/index.js'
import BrokerList from './broker/list.js'
import BrokerStart from './broker/start.js'
import { API, mockApi, runCommand } from './cli.test-support.js'

const api = mockApi()
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`
const saved = { KM_USER: process.env.KM_USER, KM_PASSWORD: process.env.KM_PASSWORD, KM_TOKEN: process.env.KM_TOKEN }
afterEach(() => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
})

describe('the credential the CLI sends', () => {
  test('--user and --password: HTTP Basic; --token: Bearer; the flags win over KM_TOKEN', async () => {
    process.env.KM_TOKEN = 'env-token'
    api.answer('broker/list', { brokers: [] })
    expect((await runCommand(BrokerList, ['--api', API, '--user', 'alice', '--password', 'pä:ss'])).code).toBe(0)
    expect(api.seen[0].headers.get('authorization')).toBe(basic('alice', 'pä:ss'))
    expect((await runCommand(BrokerList, ['--api', API, '--token', 'flag-token'])).code).toBe(0)
    expect(api.seen[1].headers.get('authorization')).toBe('Bearer flag-token')
    expect((await runCommand(BrokerList, ['--api', API])).code).toBe(0)
    expect(api.seen[2].headers.get('authorization')).toBe('Bearer env-token')
  })

  test('KM_USER and KM_PASSWORD; a user without a password is Error: naming what to set', async () => {
    process.env.KM_USER = 'bob'
    process.env.KM_PASSWORD = 'secret'
    api.answer('broker/list', { brokers: [] })
    expect((await runCommand(BrokerList, ['--api', API])).code).toBe(0)
    expect(api.seen[0].headers.get('authorization')).toBe(basic('bob', 'secret'))
    delete process.env.KM_PASSWORD
    const r = await runCommand(BrokerList, ['--api', API])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(
      'Error: user bob has no password: set --password, KM_PASSWORD or password= in ./kafka-mesos.properties\n',
    )
  })

  test('token= or user=/password= in kafka-mesos.properties; the environment wins over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'km-cred-'))
    try {
      writeFileSync(join(dir, 'kafka-mesos.properties'), 'api=http://127.0.0.1:7000\nuser=admin\npassword=p\\=w\n')
      expect(resolveAuthorization({ env: {}, cwd: dir })).toBe(basic('admin', 'p=w'))
      writeFileSync(join(dir, 'kafka-mesos.properties'), 'token=kmt_abc\n')
      expect(resolveAuthorization({ env: {}, cwd: dir })).toBe('Bearer kmt_abc')
      expect(resolveAuthorization({ env: { KM_TOKEN: 'e' }, cwd: dir })).toBe('Bearer e')
      expect(resolveAuthorization({ env: {}, cwd: join(dir, 'none') })).toBeUndefined()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a refused call', () => {
  test('401: Error: with what to set, exit 1; --json prints the server error', async () => {
    const refusal = {
      error: 'authentication required: send a user and password (HTTP Basic) or a token (Authorization: Bearer ...)',
      code: 'KM_ERR_UNAUTHENTICATED',
    }
    api.answer('broker/list', { body: refusal, status: 401 })
    const r = await runCommand(BrokerList, ['--api', API])
    expect(r.code).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe(
      `Error: ${refusal.error}; set --user and --password, KM_USER and KM_PASSWORD, or KM_TOKEN, or user=/password= or token= in ./kafka-mesos.properties (kafka-mesos local writes one in its work dir)\n`,
    )
    const j = await runCommand(BrokerList, ['--api', API, '--json'])
    expect(j.code).toBe(1)
    expect(JSON.parse(j.stdout)).toMatchObject({ code: 'KM_ERR_UNAUTHENTICATED' })
  })

  test('403: Error: naming the role needed and what to use, exit 1', async () => {
    api.answer('broker/start', {
      body: {
        error: 'viewer has role viewer; POST /api/broker/start needs role operator (or higher)',
        code: 'KM_ERR_FORBIDDEN',
      },
      status: 403,
    })
    const r = await runCommand(BrokerStart, ['0', '--api', API, '--token', 't'])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(
      /^Error: viewer has role viewer; POST \/api\/broker\/start needs role operator \(or higher\); use the credential of a user with that role \(set --user/,
    )
  })
})
