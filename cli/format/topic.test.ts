/** The human output of the topic commands: topic lists, the partitions table, the rebalance lines (mesos/kafka's TopicCli). */
import { describe, expect, test } from 'vitest'

import { formatPartitions, formatRebalance, formatTopics } from './topic.js'

describe('topic output as mesos/kafka TopicCli', () => {
  test('list, added, deleted, quiet', () => {
    const t = { name: 't', partitions: { '1': [1, 2], '0': [0, 1] }, options: { 'flush.ms': '1000' } }
    expect(formatTopics('list', [])).toBe('no topics')
    expect(formatTopics('list', [t])).toBe(
      'topic:\n  name: t\n  partitions: 0:[0,1], 1:[1,2]\n  options: flush.ms=1000',
    )
    expect(formatTopics('added', [t, { ...t, name: 'u', options: {} }])).toBe(
      'topics added:\n  name: t\n  partitions: 0:[0,1], 1:[1,2]\n  options: flush.ms=1000\n\n  name: u\n  partitions: 0:[0,1], 1:[1,2]',
    )
    expect(formatTopics('list', [t, { ...t, name: 'u' }], true)).toBe('topics:\n  t\n  u')
  })

  test('partitions table: ! when ISR differs, * on replicas out of the ISR', () => {
    const out = formatPartitions({
      t: [
        { id: 1, replicas: [2, 0], isr: [2], leader: 2, expectedLeader: 2 },
        { id: 0, replicas: [0, 1], isr: [1, 0], leader: 1, expectedLeader: 0 },
      ],
    })
    expect(out.split('\n')).toEqual([
      '      part | leader | expected | brokers (*not-isr)',
      '  t:',
      '         0 |      1 |        0 | [0, 1]',
      '    !    1 |      2 |        2 | [2, *0]',
    ])
    expect(formatPartitions({})).toBe('topic not found')
  })

  test('rebalance lines', () => {
    expect(formatRebalance('Rebalance', { status: 'idle', state: '', error: null })).toBe('Rebalance is idle')
    expect(formatRebalance('Rebalance', { status: 'started', state: 't\n  0: 0 -> 1 - running\n', error: null })).toBe(
      'Rebalance started:\nt\n  0: 0 -> 1 - running',
    )
    expect(formatRebalance('Realign', { status: 'idle (no-op)', state: '', error: null })).toBe('Realign idle (no-op)')
    expect(
      formatRebalance('Rebalance', {
        status: 'dry-run',
        state: 't\n  0: 0 -> 1\n',
        error: null,
        moves: [{ topic: 't', partition: 0, from: [0], to: [1] }],
      }),
    ).toBe('Rebalance dry-run: 1 partition move, nothing changed:\nt\n  0: 0 -> 1')
  })

  test('progress: bytes to copy on a dry run, a progress line under the state, cancelled and failed', () => {
    const moves = [{ topic: 't', partition: 0, from: [0], to: [1] }]
    const progress = { partitions: { done: 0, total: 1 }, bytes: { moved: 0, total: 12_345_678 } }
    expect(
      formatRebalance('Rebalance', { status: 'dry-run', state: 't\n  0: 0 -> 1\n', error: null, moves, progress }),
    ).toBe('Rebalance dry-run: 1 partition move, 12.3 MB to copy, nothing changed:\nt\n  0: 0 -> 1')
    expect(
      formatRebalance('Rebalance', {
        status: 'running',
        state: 't\n  0: 0 -> 1 - running\n',
        error: null,
        moves,
        progress: { ...progress, bytes: { moved: 6_200_000, total: 12_345_678 } },
      }),
    ).toBe(
      'Rebalance is running:\nt\n  0: 0 -> 1 - running\nprogress: 0/1 partitions moved, 6.2 of 12.3 MB copied (50%)',
    )
    expect(
      formatRebalance('Rebalance', {
        status: 'cancelled',
        state: 't\n  0: 0 -> 1 - cancelled\n',
        error: null,
        moves,
        progress,
      }),
    ).toMatch(/^Rebalance cancelled:\nt\n {2}0: 0 -> 1 - cancelled\nprogress: /)
    expect(
      formatRebalance('Rebalance', {
        status: 'failed',
        state: '',
        error: 'the rebalance was cancelled',
        moves: [],
        progress: null,
      }),
    ).toBe('Rebalance failed: the rebalance was cancelled')
  })
})
