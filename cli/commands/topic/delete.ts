/** `kafka-mesos topic delete`: delete topics. */
import { Args } from '@oclif/core'
import { apiFlags, TopicCommand } from '../../base/index.js'
import { type JsonValue, TopicsResponse } from '../../client/index.js'
import { formatTopics } from '../../format/index.js'

/** `topic delete <topic-expr>`: POST /api/topic/delete, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/TopicApi.scala). */
export default class TopicDelete extends TopicCommand {
  static summary = 'Delete topics.'
  static description = 'Fails with "topic(s) not found a,b" when a named topic does not exist; nothing is deleted then.'
  static examples = ['<%= config.bin %> topic delete t', '<%= config.bin %> topic delete "tmp-*"']
  static args = { expr: Args.string({ description: 'topic expression', required: true }) }
  static flags = { ...apiFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(TopicDelete)
    const json = await this.call('delete', flags.api, { topic: args.expr })
    if (!this.jsonEnabled()) this.log(formatTopics('deleted', this.decode(TopicsResponse, 'delete', json).topics))
    return json
  }
}
