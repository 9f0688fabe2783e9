/** The `group *` commands against a mocked scheduler API: the request each sends, its table and its --json output. */

import { describe, expect, test } from 'vitest'
import { API, mockApi, runCommand } from '../cli.test-support.js'
import GroupDescribe from './describe.js'
import GroupList from './list.js'
import GroupResetOffsets from './reset-offsets.js'

const api = mockApi()

const detail = {
  group: 'app',
  state: 'Stable',
  protocolType: 'consumer',
  protocol: 'range',
  members: [{ memberId: 'm-1', clientId: 'c', host: '/127.0.0.1', assignment: { t: [0, 1] } }],
  partitions: [
    { topic: 't', partition: 0, committed: 10, logEnd: 25, lag: 15, member: 'c/m-1' },
    { topic: 't', partition: 1, committed: null, logEnd: 4, lag: null, member: null },
  ],
  lag: 15,
}

describe('group list and describe', () => {
  test('list: a table of group, state, members, lag; none: "no consumer groups"; --json as answered', async () => {
    const groups = [{ group: 'app', state: 'Empty', protocolType: 'consumer', members: 0, lag: 42 }]
    api.answer('group/list', { groups })
    const r = await runCommand(GroupList, ['--api', API])
    expect(api.seen[0]).toMatchObject({ path: '/api/group/list' })
    expect(r.code).toBe(0)
    expect(r.stdout.split('\n')[1]).toMatch(/│ group │ state │ members │ lag │/)
    expect(r.stdout).toMatch(/│ app\s+│ Empty │\s+0 │\s+42 │/)
    expect(JSON.parse((await runCommand(GroupList, ['--json', '--api', API])).stdout)).toEqual({ groups })
    api.answer('group/list', { groups: [] })
    expect((await runCommand(GroupList, ['--api', API])).stdout).toBe('no consumer groups\n')
  })

  test('describe: the head line, then lag per partition with - where nothing is committed', async () => {
    api.answer('group/describe', detail)
    const r = await runCommand(GroupDescribe, ['app', '--api', API])
    expect(api.seen[0].form).toEqual({ group: 'app' })
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('group app: state Stable, 1 member, protocol range, lag 15')
    expect(r.stdout).toMatch(/│ t\s+│\s+0 │\s+10 │\s+25 │\s+15 │ c\/m-1\s+│/)
    expect(r.stdout).toMatch(/│ t\s+│\s+1 │\s+- │\s+4 │\s+- │ -\s+│/)
  })

  test("a 400 from the scheduler is 'Error: ...' and exit 1", async () => {
    api.answer('group/describe', () => ({
      status: 400,
      body: { error: 'group nope not found; see the groups with: group list', code: 'KM_ERR_NOT_FOUND' },
    }))
    const r = await runCommand(GroupDescribe, ['nope', '--api', API])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('Error: group nope not found; see the groups with: group list')
  })
})

describe('group reset-offsets', () => {
  test('sends group, to, topic and dryRun; prints the moves', async () => {
    api.answer('group/reset-offsets', {
      group: 'app',
      to: 'earliest',
      dryRun: true,
      partitions: [{ topic: 't', partition: 0, from: 10, to: 0 }],
    })
    const r = await runCommand(GroupResetOffsets, [
      'app',
      '--to',
      'earliest',
      '--topic',
      't',
      '--dry-run',
      '--api',
      API,
    ])
    expect(api.seen[0].form).toEqual({ group: 'app', to: 'earliest', topic: 't', dryRun: 'true' })
    expect(r.stdout.split('\n')[0]).toBe(
      'offsets of group app would be reset (dry run, nothing committed) to earliest:',
    )
    expect(r.stdout).toMatch(/│ t\s+│\s+0 │\s+10 │\s+0 │/)
  })

  test('--to is required', async () => {
    const r = await runCommand(GroupResetOffsets, ['app', '--api', API])
    expect(r.code).toBe(2) // oclif's usage error, as for every command's missing flag
    expect(r.error?.message).toMatch(/Missing required flag to/)
    expect(api.seen).toEqual([])
  })
})
