import {describe, expect, test} from 'vitest'

import {formatPartitions, formatRebalance, formatTopics} from './topic-format.js'

describe('topic output as mesos/kafka TopicCli', () => {
  test('list, added, deleted, quiet', () => {
    const t = {name: 't', partitions: {'1': [1, 2], '0': [0, 1]}, options: {'flush.ms': '1000'}}
    expect(formatTopics('list', [])).toBe('no topics')
    expect(formatTopics('list', [t])).toBe('topic:\n  name: t\n  partitions: 0:[0,1], 1:[1,2]\n  options: flush.ms=1000')
    expect(formatTopics('added', [t, {...t, name: 'u', options: {}}])).toBe(
      'topics added:\n  name: t\n  partitions: 0:[0,1], 1:[1,2]\n  options: flush.ms=1000\n\n  name: u\n  partitions: 0:[0,1], 1:[1,2]',
    )
    expect(formatTopics('list', [t, {...t, name: 'u'}], true)).toBe('topics:\n  t\n  u')
  })

  test('partitions table: ! when ISR differs, * on replicas out of the ISR', () => {
    const out = formatPartitions({
      t: [
        {id: 1, replicas: [2, 0], isr: [2], leader: 2, expectedLeader: 2},
        {id: 0, replicas: [0, 1], isr: [1, 0], leader: 1, expectedLeader: 0},
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
    expect(formatRebalance('Rebalance', {status: 'idle', state: '', error: null})).toBe('Rebalance is idle')
    expect(formatRebalance('Rebalance', {status: 'started', state: 't\n  0: 0 -> 1 - running\n', error: null})).toBe('Rebalance started:\nt\n  0: 0 -> 1 - running')
    expect(formatRebalance('Realign', {status: 'idle (no-op)', state: '', error: null})).toBe('Realign idle (no-op)')
    expect(formatRebalance('Rebalance', {status: 'dry-run', state: 't\n  0: 0 -> 1\n', error: null, moves: [{topic: 't', partition: 0, from: [0], to: [1]}]})).toBe(
      'Rebalance dry-run: 1 partition move, nothing changed:\nt\n  0: 0 -> 1',
    )
  })
})
