/** `kafka-mesos topic elect-leaders`: move leadership back to each partition's preferred replica (the first of its replicas). */
import { Args } from '@oclif/core'

import { z } from 'zod'
import { apiFlags, TopicCommand } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

const Partition = z.looseObject({ topic: z.string(), partition: z.number() })
const ElectionResponse = z.looseObject({
  status: z.string(),
  elected: z.array(Partition.extend({ leader: z.number() })),
  notNeeded: z.array(Partition),
  failed: z.array(Partition.extend({ error: z.string() })),
})

/** `topic elect-leaders <topic-expr>`: POST /api/topic/elect-leaders, Kafka's preferred-leader election (ElectLeaders, PREFERRED). */
export default class TopicElectLeaders extends TopicCommand {
  static summary = "Move leadership back to each partition's preferred replica (the first of its replicas)."
  static description =
    `After a broker restart its partitions stay led by other brokers until Kafka's periodic rebalance (leader.imbalance.check.interval.seconds, 5 minutes by default); this elects the preferred leaders now, as kafka-leader-election.sh --election-type PREFERRED does. A preferred replica that is not in the ISR can't be elected: that partition is listed as failed and the command exits 1. The "expected" column of "topic partitions" is the preferred leader.`
  static examples = [
    '<%= config.bin %> topic elect-leaders t',
    '<%= config.bin %> topic elect-leaders "*"',
    '<%= config.bin %> topic elect-leaders "logs-*" --json',
  ]
  static args = { expr: Args.string({ description: 'topic expression such as t, a,b, logs-* or *', required: true }) }
  static flags = { ...apiFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(TopicElectLeaders)
    const json = await this.call('elect-leaders', flags.api, { topic: args.expr })
    const res = this.decode(ElectionResponse, 'elect-leaders', json)
    if (!this.jsonEnabled()) {
      const lines = [res.elected.length > 0 ? `preferred leaders elected:` : 'no leader changed']
      for (const e of res.elected) lines.push(`  ${e.topic}-${e.partition}: leader ${e.leader}`)
      if (res.notNeeded.length > 0)
        lines.push(
          `already led by the preferred replica: ${res.notNeeded.length} partition${res.notNeeded.length === 1 ? '' : 's'}`,
        )
      this.log(lines.join('\n'))
      if (res.failed.length > 0)
        this.fail(
          `no election for ${res.failed.map((f) => `${f.topic}-${f.partition} (${f.error})`).join(', ')}`,
          'KM_ERR_ELECTION',
        )
    }
    if (res.failed.length > 0) process.exitCode = 1
    return json
  }
}
