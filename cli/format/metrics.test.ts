/** The metrics table of `broker metrics` and the `metrics:` block of `broker list`. */
import { describe, expect, it } from 'vitest'

import { BrokerJson } from '../client/index.js'
import { formatBroker } from './broker.js'
import { formatMetricValue, metricsTable } from './metrics.js'

const task = { id: 'kafka-0-x', state: 'running', endpoint: '127.0.1.1:31000', attributes: {} }

describe("broker list: the metrics block (mesos/kafka's broker list)", () => {
  it('shows when they were collected and the health figures reported', () => {
    const b = BrokerJson.parse({
      id: '0',
      active: true,
      state: 'running',
      task,
      metrics: {
        timestamp: Date.UTC(2026, 10, 22, 19, 0, 0, 5),
        'kafka.server,ReplicaManager,UnderReplicatedPartitions': 0,
        'kafka.server,ReplicaManager,UnderMinIsrPartitionCount': 1,
        'kafka.server,BrokerTopicMetrics,MessagesInPerSec': 0.25,
      },
    })
    expect(formatBroker(b).split('\n').slice(-5)).toEqual([
      'metrics:',
      '  collected: 2026-11-22 19:00:00.005',
      '  under-replicated-partitions: 0',
      '  under-min-isr-partitions: 1',
      '  messages-in-per-sec: 0.250',
    ])
  })
  it('says a running broker has not reported yet; nothing without a task', () => {
    expect(
      formatBroker(BrokerJson.parse({ id: '0', active: true, state: 'running', task, metrics: { timestamp: 0 } })),
    ).toMatch(/\nmetrics: waiting for broker to report metrics$/)
    expect(formatBroker(BrokerJson.parse({ id: '0', active: false, state: 'stopped' }))).not.toContain('metrics')
  })
})

describe('broker metrics table', () => {
  it('one column per node, controllers named as such, values rounded', () => {
    const t = metricsTable({ '0': { timestamp: 1, a: 0, b: 12.34567 }, '1000000': { timestamp: 1, a: 1 } })
    expect(t).toMatch(/metric\s+│ broker 0 │ controller 1000000 │/)
    expect(t).toMatch(/│ b\s+│ 12\.346\s+│ -\s+│/)
    expect(formatMetricValue(1234.56)).toBe('1234.6')
    expect(formatMetricValue(undefined)).toBe('-')
  })
})
