/** `kafka-mesos topic list`: list topics with their partitions (replicas per partition) and config overrides. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, TopicCommand } from '../../base/index.js'
import { type JsonValue, TopicsResponse } from '../../client/index.js'
import { formatTopics } from '../../format/index.js'

/** `topic list [<topic-expr>]`: POST /api/topic/list, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/TopicApi.scala). */
export default class TopicList extends TopicCommand {
  static summary = 'List topics with their partitions (replicas per partition) and config overrides.'
  static description = `<topic-expr> defaults to * (every topic but Kafka's internal __ ones).
topic-expr examples:
  t0        topic t0
  t0,t1     topics t0 and t1
  t*        topics starting with "t"
  *         every topic`
  static examples = [
    '<%= config.bin %> topic list',
    '<%= config.bin %> topic list "logs-*" --quiet',
    '<%= config.bin %> topic list t0 --json',
  ]
  static args = { expr: Args.string({ description: 'topic expression', default: '*' }) }
  static flags = { ...apiFlags, quiet: Flags.boolean({ char: 'q', description: 'names only' }) }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(TopicList)
    const json = await this.call('list', flags.api, { topic: args.expr })
    if (!this.jsonEnabled())
      this.log(formatTopics('list', this.decode(TopicsResponse, 'list', json).topics, flags.quiet))
    return json
  }
}
