/** `broker metrics` on the executor: metric names from ObjectNames, and Jolokia answers flattened per MBean kind. */

import { describe, expect, it } from 'vitest'
import { jolokiaUrlFrom } from './jolokia.js'
import { flattenJolokia, METRIC_READS, metricName } from './metrics.js'

describe('metricName', () => {
  it('is domain,type,name plus further keys in order', () => {
    expect(metricName('kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions')).toBe(
      'kafka.server,ReplicaManager,UnderReplicatedPartitions',
    )
    expect(metricName('kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce')).toBe(
      'kafka.network,RequestMetrics,TotalTimeMs,request=Produce',
    )
    expect(metricName('kafka.server:type=raft-metrics')).toBe('kafka.server,raft-metrics')
    expect(metricName('not an object name')).toBeUndefined()
  })
})

describe('flattenJolokia', () => {
  // Shapes as Jolokia 2.x answers a bulk read (pattern reads: objectName → attributes).
  const answer = [
    {
      status: 200,
      request: { mbean: 'kafka.server:type=ReplicaManager,name=*', type: 'read' },
      value: {
        'kafka.server:name=UnderReplicatedPartitions,type=ReplicaManager': { Value: 0 },
        'kafka.server:name=UnderMinIsrPartitionCount,type=ReplicaManager': { Value: 2 },
        'kafka.server:name=IsrShrinksPerSec,type=ReplicaManager': {
          Count: 3,
          OneMinuteRate: 0.25,
          MeanRate: 0.1,
          RateUnit: 'SECONDS',
          EventType: 'shrinks',
        },
      },
    },
    {
      status: 404,
      request: { mbean: 'kafka.controller:type=KafkaController,name=*' },
      error: 'javax.management.InstanceNotFoundException',
    },
    {
      status: 200,
      request: { mbean: 'kafka.server:type=BrokerTopicMetrics,name=*' },
      value: {
        'kafka.server:name=MessagesInPerSec,type=BrokerTopicMetrics': {
          Count: 1000,
          OneMinuteRate: 12.5,
          FiveMinuteRate: 'NaN',
        },
      },
    },
    {
      status: 200,
      request: { mbean: 'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce' },
      value: {
        Count: 40,
        Mean: 3.5,
        Max: 20,
        Min: 1,
        '50thPercentile': 2,
        '95thPercentile': 9,
        '99thPercentile': 19,
        '999thPercentile': 20,
        StdDev: 1.2,
      },
    },
    {
      status: 200,
      request: { mbean: 'kafka.server:type=raft-metrics' },
      value: { 'current-state': 'observer', 'high-watermark': 42, 'commit-latency-avg': 'NaN' },
    },
    {
      status: 200,
      request: { mbean: 'java.lang:type=Memory' },
      value: { HeapMemoryUsage: { init: 1, used: 100, committed: 200, max: 256 } },
    },
  ]

  it('gives gauges, meters (1-minute rate + _count), histograms (mean + percentiles) and composites', () => {
    expect(flattenJolokia(answer)).toEqual({
      'kafka.server,ReplicaManager,UnderReplicatedPartitions': 0,
      'kafka.server,ReplicaManager,UnderMinIsrPartitionCount': 2,
      'kafka.server,ReplicaManager,IsrShrinksPerSec': 0.25,
      'kafka.server,ReplicaManager,IsrShrinksPerSec_count': 3,
      'kafka.server,BrokerTopicMetrics,MessagesInPerSec': 12.5,
      'kafka.server,BrokerTopicMetrics,MessagesInPerSec_count': 1000,
      'kafka.network,RequestMetrics,TotalTimeMs,request=Produce': 3.5,
      'kafka.network,RequestMetrics,TotalTimeMs,request=Produce_p50': 2,
      'kafka.network,RequestMetrics,TotalTimeMs,request=Produce_p95': 9,
      'kafka.network,RequestMetrics,TotalTimeMs,request=Produce_p99': 19,
      'kafka.network,RequestMetrics,TotalTimeMs,request=Produce_p999': 20,
      'kafka.network,RequestMetrics,TotalTimeMs,request=Produce_max': 20,
      'kafka.network,RequestMetrics,TotalTimeMs,request=Produce_count': 40,
      'kafka.server,raft-metrics,high-watermark': 42,
      'java.lang,Memory,HeapMemoryUsage.init': 1,
      'java.lang,Memory,HeapMemoryUsage.used': 100,
      'java.lang,Memory,HeapMemoryUsage.committed': 200,
      'java.lang,Memory,HeapMemoryUsage.max': 256,
    })
  })

  it('reads every health MBean the issue asks for', () => {
    const mbeans = METRIC_READS.map((r) => r.mbean).join(' ')
    for (const m of [
      'ReplicaManager',
      'KafkaController',
      'BrokerTopicMetrics',
      'request=Produce',
      'request=FetchConsumer',
    ])
      expect(mbeans).toContain(m)
  })
})

describe('jolokiaUrlFrom', () => {
  it('takes the URL from the agent start line', () => {
    expect(jolokiaUrlFrom('Jolokia: Agent 2.5.1 started with URL http://127.0.0.1:37995/jolokia and PID 5610')).toBe(
      'http://127.0.0.1:37995/jolokia',
    )
    expect(jolokiaUrlFrom('Jolokia: Agent started with URL http://127.0.0.1:8778/jolokia/')).toBe(
      'http://127.0.0.1:8778/jolokia',
    )
    expect(jolokiaUrlFrom('[2026] INFO Kafka Server started')).toBeUndefined()
  })
})
