/** `kafka-mesos topic partitions`: show each partition's leader, preferred leader and replicas. */
import { Args } from '@oclif/core'
import { apiFlags, TopicCommand } from '../../base/index.js'
import { type JsonValue, PartitionsResponse } from '../../client/index.js'
import { formatPartitions } from '../../format/index.js'

/** `topic partitions [<topic-expr>]`: POST /api/partition/list, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/PartitionApi.scala). */
export default class TopicPartitions extends TopicCommand {
  static summary = "Show each partition's leader, preferred leader and replicas."
  static description =
    `Columns: part | leader | expected | brokers (*not-isr). "expected" is the preferred leader (the first replica); a replica outside the in-sync set is marked *, and a row whose ISR differs from its replicas starts with !. Leader -1 means the partition has no leader.`
  static examples = ['<%= config.bin %> topic partitions t', '<%= config.bin %> topic partitions "*" --json']
  static args = { expr: Args.string({ description: 'topic expression', default: '*' }) }
  static flags = { ...apiFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(TopicPartitions)
    const json = await this.call('partition/list', flags.api, { topic: args.expr })
    if (!this.jsonEnabled()) this.log(formatPartitions(this.decode(PartitionsResponse, 'partition/list', json)))
    return json
  }
}
