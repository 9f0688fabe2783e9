/** `kafka-mesos broker metrics`: show brokers' JMX metrics: under-replicated partitions, throughput, request latencies, . */
import { Args, Flags } from '@oclif/core'

import { z } from 'zod'

import { apiFlags, BrokerCommand } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'
import { metricsTable } from '../../format/index.js'

const MetricsResponse = z.looseObject({
  metrics: z.record(z.string(), z.record(z.string(), z.number())),
  errors: z.record(z.string(), z.string()),
})

/** `broker metrics <expr>`: POST /api/broker/metrics (mesos/kafka's broker metrics, src/scala/main/ly/stealth/mesos/kafka/executor/MetricCollectorProxy.scala). */
export default class BrokerMetrics extends BrokerCommand {
  static summary = "Show brokers' JMX metrics: under-replicated partitions, throughput, request latencies, ..."
  static description = [
    "Each broker's executor reads the broker's JMX MBeans through the Jolokia agent in the Kafka JVM (bound to the broker host's loopback) and answers the scheduler with a framework message.",
    'Names are domain,type,name[,key=value], e.g. kafka.server,ReplicaManager,UnderReplicatedPartitions. Meters (…PerSec) show the one-minute rate per second plus _count; request times (kafka.network,RequestMetrics,TotalTimeMs,request=Produce) the mean in ms plus _p50, _p95, _p99, _p999, _max and _count.',
    'In KRaft, ActiveControllerCount and OfflinePartitionsCount come from the controllers: add --controllers (or name a controller id such as 1000000).',
    '--filter is a regular expression that must match the whole name; give it several times to keep metrics matching any of them.',
  ].join('\n\n')
  static examples = [
    '<%= config.bin %> broker metrics "*"',
    '<%= config.bin %> broker metrics 0..2 --filter ".*UnderReplicatedPartitions" --filter ".*MessagesInPerSec.*"',
    '<%= config.bin %> broker metrics "*" --controllers --filter ".*(ActiveControllerCount|OfflinePartitionsCount)"',
    '<%= config.bin %> broker metrics 0 --json',
  ]
  static args = {
    expr: Args.string({ description: 'broker id expression, e.g. 0..2 or *', required: true }),
  }
  static flags = {
    ...apiFlags,
    filter: Flags.string({
      description: 'keep only metrics whose whole name matches this regular expression (repeatable: any may match)',
      multiple: true,
      helpValue: '<regex>',
    }),
    controllers: Flags.boolean({ description: 'also show the KRaft controllers the scheduler runs' }),
    timeout: Flags.string({
      description: 'how long to wait for each broker, a period such as 10s',
      helpValue: '<period>',
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerMetrics)
    const json = await this.call('metrics', flags.api, {
      broker: args.expr,
      filter: flags.filter?.join('\n'),
      controllers: flags.controllers ? 'true' : undefined,
      timeout: flags.timeout,
    })
    const res = this.decode(MetricsResponse, 'metrics', json)
    const got = Object.keys(res.metrics).length
    if (this.jsonEnabled()) {
      if (got === 0) process.exitCode = 1
      return json
    }
    if (got > 0) this.log(metricsTable(res.metrics))
    for (const e of Object.values(res.errors)) process.stderr.write(`${got > 0 ? 'warning: ' : ''}${e}\n`)
    if (got === 0)
      this.fail(
        Object.keys(res.errors).length > 0
          ? 'no broker answered with metrics'
          : `broker ${args.expr}: no broker matched`,
        'KM_ERR_METRICS',
      )
    return json
  }
}
