/** `log ops` against a mocked scheduler API: the audit log, one line per call, and its --json output. */

import { describe, expect, test } from 'vitest'
import { API, mockApi, runCommand } from '../cli.test-support.js'
import LogOps from './ops.js'

const api = mockApi()
const ops = [
  {
    time: '2026-01-02T03:04:05.000Z',
    who: { user: 'alice', address: '127.0.0.1' },
    op: 'broker/add',
    params: { broker: '0', cpus: '0.5' },
    status: 200,
    result: 'ok',
  },
  {
    time: '2026-01-02T03:04:06.000Z',
    who: { user: null, address: null },
    op: 'broker/remove',
    params: {},
    status: 400,
    result: 'error',
    error: 'broker 0 is active',
  },
]

describe('log ops', () => {
  test('time, user@address, the operation and its params, then ok or the error', async () => {
    api.answer('log/ops', { ops })
    const r = await runCommand(LogOps, ['--limit', '20', '--api', API])
    expect(api.seen[0]).toMatchObject({ path: '/api/log/ops', form: { limit: '20' } })
    expect(r).toMatchObject({
      code: 0,
      stdout:
        '2026-01-02 03:04:05.000  alice@127.0.0.1  broker/add broker=0 cpus=0.5  ok\n' +
        '2026-01-02 03:04:06.000  ?@?  broker/remove  error 400: broker 0 is active\n',
    })
  })

  test('an empty log: "no operations"; --json is the answer', async () => {
    api.answer('log/ops', (form) => ({ body: { ops: form.limit ? ops : [] } }))
    expect((await runCommand(LogOps, ['--api', API])).stdout).toBe('no operations\n')
    expect(api.seen[0].form).toEqual({})
    expect(JSON.parse((await runCommand(LogOps, ['--limit', '2', '--json', '--api', API])).stdout)).toEqual({ ops })
  })
})
