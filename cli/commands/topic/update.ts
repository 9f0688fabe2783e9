/** `kafka-mesos topic update`: replace topics' config overrides. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, expandFileValue, TopicCommand } from '../../base/index.js'
import { type JsonValue, TopicsResponse } from '../../client/index.js'
import { formatTopics } from '../../format/index.js'

/** `topic update <topic-expr> --options ...`: POST /api/topic/update, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/TopicApi.scala). */
export default class TopicUpdate extends TopicCommand {
  static summary = "Replace topics' config overrides."
  static description =
    `--options replaces the whole set of overrides, as mesos/kafka did: keys left out go back to the broker default, and --options "" clears every override. Kafka validates the values.`
  static examples = [
    '<%= config.bin %> topic update t --options retention.ms=60000',
    '<%= config.bin %> topic update "logs-*" --options ""',
  ]
  static args = { expr: Args.string({ description: 'topic expression', required: true }) }
  static flags = {
    ...apiFlags,
    options: Flags.string({
      description: 'topic config k=v,... (required; "" clears), or file:topic.properties',
      helpValue: '<k=v,...>',
      required: true,
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(TopicUpdate)
    const json = await this.call('update', flags.api, {
      topic: args.expr,
      options: expandFileValue('options', flags.options),
    })
    if (!this.jsonEnabled()) this.log(formatTopics('updated', this.decode(TopicsResponse, 'update', json).topics))
    return json
  }
}
