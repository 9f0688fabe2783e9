/** The `topic *` commands against a mocked scheduler API: the request each sends, its human output and its --json output. */
// Output lines follow mesos/kafka's TopicCli (src/scala/ly/stealth/mesos/kafka/cli/TopicCli.scala).

import { describe, expect, test } from 'vitest'
import { API, mockApi, runCommand } from '../cli.test-support.js'
import TopicAdd from './add.js'
import TopicDelete from './delete.js'
import TopicElectLeaders from './elect-leaders.js'
import TopicList from './list.js'
import TopicPartitions from './partitions.js'
import TopicRealign from './realign.js'
import TopicRebalance from './rebalance.js'
import TopicUpdate from './update.js'

const api = mockApi()
const t = { name: 't', partitions: { '1': [1, 0], '0': [0, 1] }, options: { 'retention.ms': '1000' } }
const u = { name: 'u', partitions: { '0': [1] } }

describe('topic list', () => {
  test('expr defaults to *; each topic with its partitions and options', async () => {
    api.answer('topic/list', { topics: [t, u] })
    const r = await runCommand(TopicList, ['--api', API])
    expect(api.seen[0]).toMatchObject({ path: '/api/topic/list', form: { topic: '*' } })
    expect(r).toMatchObject({
      code: 0,
      stdout: [
        'topics:',
        '  name: t',
        '  partitions: 0:[0,1], 1:[1,0]',
        '  options: retention.ms=1000',
        '',
        '  name: u',
        '  partitions: 0:[1]',
        '',
      ].join('\n'),
    })
  })

  test('--quiet: names only; no topic: "no topics"; --json', async () => {
    api.answer('topic/list', (form) => ({ body: { topics: form.topic === 'none*' ? [] : [t, u] } }))
    expect((await runCommand(TopicList, ['t*', '--quiet', '--api', API])).stdout).toBe('topics:\n  t\n  u\n')
    expect((await runCommand(TopicList, ['none*', '--api', API])).stdout).toBe('no topics\n')
    expect(JSON.parse((await runCommand(TopicList, ['--json', '--api', API])).stdout)).toEqual({ topics: [t, u] })
  })
})

describe('topic add, update, delete', () => {
  test('add sends every placement flag; prints "topic added:"', async () => {
    api.answer('topic/add', { topics: [u] })
    const r = await runCommand(TopicAdd, [
      'u',
      '--broker',
      '*[rack]',
      '--partitions',
      '1',
      '--replicas',
      '1',
      '--options',
      'cleanup.policy=compact',
      '--fixedStartIndex',
      '0',
      '--startPartitionId',
      '0',
      '--api',
      API,
    ])
    expect(api.seen[0].form).toEqual({
      topic: 'u',
      broker: '*[rack]',
      partitions: '1',
      replicas: '1',
      options: 'cleanup.policy=compact',
      fixedStartIndex: '0',
      startPartitionId: '0',
    })
    expect(r).toMatchObject({ code: 0, stdout: 'topic added:\n  name: u\n  partitions: 0:[1]\n' })
  })

  test('update sends the options ("" clears them); prints "topics updated:"; --options is required', async () => {
    api.answer('topic/update', { topics: [u, u] })
    expect((await runCommand(TopicUpdate, ['*', '--options', '', '--api', API])).stdout).toBe(
      'topics updated:\n  name: u\n  partitions: 0:[1]\n\n  name: u\n  partitions: 0:[1]\n',
    )
    expect(api.seen[0].form).toEqual({ topic: '*', options: '' })
    expect((await runCommand(TopicUpdate, ['t', '--api', API])).code).toBe(2)
  })

  test('delete prints "topic deleted:"; --json is the answer', async () => {
    api.answer('topic/delete', { topics: [u] })
    expect((await runCommand(TopicDelete, ['u', '--api', API])).stdout).toBe(
      'topic deleted:\n  name: u\n  partitions: 0:[1]\n',
    )
    expect(JSON.parse((await runCommand(TopicDelete, ['u', '--api', API, '--json'])).stdout)).toEqual({
      topics: [u],
    })
    expect(api.seen.map((s) => s.form)).toEqual([{ topic: 'u' }, { topic: 'u' }])
  })
})

describe('topic partitions', () => {
  test('POST /api/partition/list; the table marks replicas outside the ISR', async () => {
    api.answer('partition/list', {
      t: [
        { id: 1, replicas: [1, 0], isr: [1, 0], leader: 1, expectedLeader: 1 },
        { id: 0, replicas: [0, 1], isr: [0], leader: 0, expectedLeader: 0 },
      ],
    })
    const r = await runCommand(TopicPartitions, ['t', '--api', API])
    expect(api.seen[0]).toMatchObject({ path: '/api/partition/list', form: { topic: 't' } })
    expect(r.stdout).toBe(
      [
        '      part | leader | expected | brokers (*not-isr)',
        '  t:',
        '    !    0 |      0 |        0 | [0, *1]',
        '         1 |      1 |        1 | [1, 0]',
        '',
      ].join('\n'),
    )
  })

  test('nothing matched: "topic not found"; --json', async () => {
    api.answer('partition/list', {})
    expect((await runCommand(TopicPartitions, ['x', '--api', API])).stdout).toBe('topic not found\n')
    expect(JSON.parse((await runCommand(TopicPartitions, ['x', '--api', API, '--json'])).stdout)).toEqual({})
  })
})

describe('topic elect-leaders', () => {
  test('prints the elected leaders and how many needed none', async () => {
    api.answer('topic/elect-leaders', {
      status: 'ok',
      elected: [{ topic: 't', partition: 0, leader: 0 }],
      notNeeded: [{ topic: 't', partition: 1 }],
      failed: [],
    })
    const r = await runCommand(TopicElectLeaders, ['t', '--api', API])
    expect(api.seen[0].form).toEqual({ topic: 't' })
    expect(r).toMatchObject({
      code: 0,
      stdout: 'preferred leaders elected:\n  t-0: leader 0\nalready led by the preferred replica: 1 partition\n',
    })
  })

  test('a failed election: Error: no election for <partition> (<reason>), exit 1; --json exits 1 too', async () => {
    const answer = {
      status: 'partial',
      elected: [],
      notNeeded: [],
      failed: [{ topic: 't', partition: 2, error: 'PREFERRED_LEADER_NOT_AVAILABLE' }],
    }
    api.answer('topic/elect-leaders', answer)
    expect(await runCommand(TopicElectLeaders, ['t', '--api', API])).toMatchObject({
      stdout: 'no leader changed\n',
      stderr: 'Error: no election for t-2 (PREFERRED_LEADER_NOT_AVAILABLE)\n',
      code: 1,
    })
    const json = await runCommand(TopicElectLeaders, ['t', '--api', API, '--json'])
    expect(JSON.parse(json.stdout)).toEqual(answer)
    expect(json.code).toBe(1)
  })
})

describe('topic rebalance and realign', () => {
  const state = 't\n  0: [0, 1] -> [1, 2]\n'

  test('rebalance --dry-run sends every flag; prints the moves and the bytes to copy', async () => {
    api.answer('topic/rebalance', {
      status: 'dry-run',
      state,
      moves: [{ topic: 't', partition: 0, from: [0, 1], to: [1, 2] }],
      progress: { partitions: { done: 0, total: 1 }, bytes: { moved: 0, total: 12_300_000 } },
    })
    const r = await runCommand(TopicRebalance, [
      't',
      '--broker',
      '0..2',
      '--replicas',
      '2',
      '--fixedStartIndex',
      '0',
      '--startPartitionId',
      '0',
      '--throttle',
      '10',
      '--dry-run',
      '--api',
      API,
    ])
    expect(api.seen[0].form).toEqual({
      topic: 't',
      broker: '0..2',
      replicas: '2',
      fixedStartIndex: '0',
      startPartitionId: '0',
      throttle: '10',
      dryRun: 'true',
    })
    expect(r).toMatchObject({
      code: 0,
      stdout: 'Rebalance dry-run: 1 partition move, 12.3 MB to copy, nothing changed:\nt\n  0: [0, 1] -> [1, 2]\n',
    })
  })

  test('status sends no topic; cancel sends cancel=true', async () => {
    api.answer('topic/rebalance', (form) => ({
      body: form.cancel ? { status: 'cancelled', state: '' } : { status: 'idle', state: '' },
    }))
    expect((await runCommand(TopicRebalance, ['status', '--api', API])).stdout).toBe('Rebalance is idle\n')
    expect((await runCommand(TopicRebalance, ['cancel', '--api', API])).stdout).toBe('Rebalance cancelled\n')
    expect(api.seen.map((s) => s.form)).toEqual([{}, { cancel: 'true' }])
  })

  test('a running rebalance with moves shows its progress line', async () => {
    api.answer('topic/rebalance', {
      status: 'running',
      state,
      moves: [{ topic: 't', partition: 0, from: [0, 1], to: [1, 2], state: 'running' }],
      progress: { partitions: { done: 2, total: 4 }, bytes: { moved: 6_100_000, total: 12_000_000 } },
    })
    expect((await runCommand(TopicRebalance, ['status', '--api', API])).stdout).toBe(
      'Rebalance is running:\nt\n  0: [0, 1] -> [1, 2]\nprogress: 2/4 partitions moved, 6.1 of 12.0 MB copied (50%)\n',
    )
  })

  test('--timeout streams the wait: each progress line, then the result', async () => {
    api.stream('topic/rebalance', [
      { progress: '1/2 partitions moved' },
      { progress: '2/2 partitions moved' },
      { status: 'completed', state },
    ])
    const r = await runCommand(TopicRebalance, ['t', '--timeout', '1m', '--api', API])
    expect(api.seen[0].form).toEqual({ topic: 't', timeout: '1m' })
    expect(r).toMatchObject({
      code: 0,
      stdout: '1/2 partitions moved\n2/2 partitions moved\nRebalance completed:\nt\n  0: [0, 1] -> [1, 2]\n',
    })
    api.stream('topic/rebalance', [{ progress: '1/2 partitions moved' }, { status: 'completed', state }])
    const json = await runCommand(TopicRebalance, ['t', '--timeout', '1m', '--api', API, '--json'])
    expect(JSON.parse(json.stdout)).toEqual({ status: 'completed', state })
  })

  test('timeout: Error: Rebalance timeout: <state>; failed: Error: Rebalance failed: <error>; exit 1, with --json too', async () => {
    api.answer('topic/rebalance', (form) => ({
      body:
        form.topic === 'slow'
          ? { status: 'timeout', state: 'slow: 0 running\n' }
          : { status: 'failed', error: 'reassignment of t-0 failed', state: '' },
    }))
    expect(await runCommand(TopicRebalance, ['slow', '--api', API])).toMatchObject({
      stderr: 'Error: Rebalance timeout:\nslow: 0 running\n',
      code: 1,
    })
    expect(await runCommand(TopicRebalance, ['t', '--api', API])).toMatchObject({
      stderr: 'Error: Rebalance failed: reassignment of t-0 failed\n',
      code: 1,
    })
    const json = await runCommand(TopicRebalance, ['slow', '--api', API, '--json'])
    expect(JSON.parse(json.stdout)).toEqual({ status: 'timeout', state: 'slow: 0 running\n' })
    expect(json.code).toBe(1)
  })

  test('realign is a rebalance with realign=true, printed as Realign', async () => {
    api.answer('topic/rebalance', { status: 'started', state })
    const r = await runCommand(TopicRealign, ['*', '--broker', '0..2', '--api', API])
    expect(api.seen[0].form).toEqual({ topic: '*', broker: '0..2', realign: 'true' })
    expect(r.stdout).toBe('Realign started:\nt\n  0: [0, 1] -> [1, 2]\n')
    expect((await runCommand(TopicRealign, ['--api', API])).code).toBe(2)
  })
})
