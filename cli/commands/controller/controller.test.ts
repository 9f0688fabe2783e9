/** The `controller *` commands against a mocked scheduler API: the quorum table, and a voter change (KIP-853) followed to its end. */

import { describe, expect, test } from 'vitest'
import { API, mockApi, runCommand, tableCells } from '../cli.test-support.js'
import ControllerAdd from './add.js'
import ControllerList from './list.js'
import ControllerRemove from './remove.js'
import ControllerReplace from './replace.js'

const api = mockApi()
const member = (id: number, role: string, lag: number) => ({
  id,
  role,
  logEndOffset: 120 - lag,
  lag,
  lastCaughtUpTimestamp: 1,
})
const listAnswer = {
  controllers: [
    {
      id: 1000000,
      state: 'running',
      endpoint: '127.0.1.1:9093',
      membership: 'voter',
      task: { id: 'kafka-controller-1000000', attributes: { rack: 'r1' } },
    },
    { id: '1000001', state: 'starting', waiting: { reason: 'no offer has 768 MB' } },
  ],
  brokersWaitFor: 'a quorum leader',
  quorum: {
    leaderId: 1000000,
    leaderEpoch: 3,
    highWatermark: 120,
    voters: [member(1000000, 'leader', 0)],
    observers: [member(0, 'observer', 2)],
  },
  change: { summary: 'add controller 1000001', phase: 'done' },
}
describe('controller list', () => {
  test('the quorum line, the last change, a row per controller, and what a controller waits for', async () => {
    api.answer('controller/list', listAnswer)
    const r = await runCommand(ControllerList, ['--api', API])
    expect(api.seen[0]).toMatchObject({ path: '/api/controller/list', form: {} })
    const lines = r.stdout.split('\n')
    expect(lines.slice(0, 3)).toEqual([
      'quorum: leader 1000000, epoch 3, high watermark 120',
      'brokers: a quorum leader',
      'last change: add controller 1000001',
    ])
    expect(tableCells(r.stdout)).toEqual([
      ['id', 'state', 'endpoint', 'rack', 'role', 'lag', 'task'],
      ['1000000', 'running', '127.0.1.1:9093', 'r1', 'leader', '0', 'kafka-controller-1000000'],
      ['1000001', 'starting', '-', '-', 'not a voter', '?', '-'],
    ])
    expect(lines.at(-2)).toBe('controller 1000001 waits: no offer has 768 MB')
    expect(r.code).toBe(0)
  })

  test('--observers adds the brokers; an undescribed quorum says why; --json is the answer', async () => {
    api.answer('controller/list', listAnswer)
    expect(tableCells((await runCommand(ControllerList, ['--observers', '--api', API])).stdout).at(-1)).toEqual([
      '0',
      '',
      '',
      '',
      'observer',
      '2',
      '',
    ])
    expect(JSON.parse((await runCommand(ControllerList, ['--json', '--api', API])).stdout)).toEqual(listAnswer)
    api.answer('controller/list', { controllers: [], quorum: null, quorumError: 'no controller is running' })
    expect((await runCommand(ControllerList, ['--api', API])).stdout.split('\n')[0]).toBe(
      'quorum: unknown (no controller is running)',
    )
  })
})

const change = (phase: string, texts: string[], extra: Record<string, unknown> = {}) => ({
  phase,
  summary: 'remove controller 1000001',
  startedAt: 1,
  progress: texts.map((text, i) => ({ time: `2026-01-02T03:04:0${i}.000Z`, text })),
  ...extra,
})

describe('controller add, remove, replace', () => {
  test('--timeout 0 starts the change, prints its first steps and returns', async () => {
    api.answer('controller/add', { status: 'started', change: change('observer', ['placed on 127.0.1.2']) })
    const r = await runCommand(ControllerAdd, ['--timeout', '0', '--api', API])
    expect(api.seen.map((s) => [s.path, s.form])).toEqual([['/api/controller/add', { timeout: '0' }]])
    expect(r).toMatchObject({ code: 0, stdout: '03:04:00  placed on 127.0.1.2\n' })
  })

  test('remove follows the change through controller/list until it is done, printing each new step', async () => {
    api.answer('controller/remove', { status: 'started', change: change('removing', ['asked the leader']) })
    api.answer('controller/list', { change: change('done', ['asked the leader', 'stopped and forgotten']) })
    const r = await runCommand(ControllerRemove, ['1000001', '--timeout', '10s', '--api', API])
    expect(api.seen.map((s) => [s.path, s.form])).toEqual([
      ['/api/controller/remove', { controller: '1000001', timeout: '0' }],
      ['/api/controller/list', {}],
    ])
    expect(r).toMatchObject({ code: 0, stdout: '03:04:00  asked the leader\n03:04:01  stopped and forgotten\n' })
  })

  test('a failed change: Error: controller replace failed: <error>, exit 1; --json prints nothing else', async () => {
    api.answer('controller/replace', {
      status: 'started',
      change: change('failed', ['no host'], { error: 'no agent without a controller' }),
    })
    expect(await runCommand(ControllerReplace, ['1000001', '--api', API])).toMatchObject({
      stdout: '03:04:00  no host\n',
      stderr: 'Error: controller replace failed: no agent without a controller\n',
      code: 1,
    })
    const json = await runCommand(ControllerReplace, ['1000001', '--api', API, '--json'])
    expect(JSON.parse(json.stdout)).toEqual({
      error: 'controller replace failed: no agent without a controller',
      code: 'KM_ERR_QUORUM_CHANGE',
    })
    expect(json.code).toBe(1)
  })

  test('still running at --timeout: Error: ... still in progress after 1s ..., exit 1; a bad --timeout', async () => {
    api.answer('controller/add', { status: 'started', change: change('observer', []) })
    api.answer('controller/list', {
      change: change('observer', [], { detail: 'observer, 12 records behind the leader' }),
    })
    const r = await runCommand(ControllerAdd, ['--timeout', '1s', '--api', API])
    expect(r).toMatchObject({
      stdout: '          … observer, 12 records behind the leader\n',
      stderr:
        'Error: controller add still in progress after 1s (remove controller 1000001); it goes on: follow it with controller list\n',
      code: 1,
    })
    const bad = await runCommand(ControllerAdd, ['--timeout', 'soon', '--api', API])
    expect(bad.stderr).toMatch(/^Error: timeout: invalid period "soon"/)
    expect(bad.code).toBe(1)
  })

  test('--json on success prints the last change', async () => {
    api.answer('controller/remove', { status: 'started', change: change('done', ['done']) })
    const r = await runCommand(ControllerRemove, ['1000001', '--json', '--api', API])
    expect(JSON.parse(r.stdout)).toEqual(change('done', ['done']))
    expect((await runCommand(ControllerRemove, ['--api', API])).code).toBe(2)
  })
})
