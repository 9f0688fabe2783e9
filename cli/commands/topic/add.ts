/** `kafka-mesos topic add`: create topics, placing replicas with Kafka's own assignment algorithm. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, assignFlags, expandFileValue, TopicCommand } from '../../base/index.js'
import { type JsonValue, TopicsResponse } from '../../client/index.js'
import { formatTopics } from '../../format/index.js'

/** `topic add <topic-expr>`: POST /api/topic/add, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/TopicApi.scala). */
export default class TopicAdd extends TopicCommand {
  static summary = "Create topics, placing replicas with Kafka's own assignment algorithm."
  static description =
    `Replicas are assigned as Kafka's AdminUtils.assignReplicasToBrokers does: first replicas round-robin over the --broker list from a start index, followers at an increasing shift. With an attribute filter (--broker "*[rack]") the brokers are interleaved by rack first, so each partition's replicas land on different racks. Kafka validates --options; its refusal is shown.`
  static examples = [
    '<%= config.bin %> topic add t --partitions 3 --replicas 3',
    '<%= config.bin %> topic add a,b --broker 0..2 --options retention.ms=3600000,cleanup.policy=compact',
    '<%= config.bin %> topic add t --broker "*[rack]" --partitions 6 --replicas 2',
    '<%= config.bin %> topic add t --partitions 4 --replicas 2 --fixedStartIndex 0 --startPartitionId 0',
  ]
  static args = { expr: Args.string({ description: 'topic expression, e.g. t or a,b', required: true }) }
  static flags = {
    ...apiFlags,
    ...assignFlags,
    partitions: Flags.string({ description: 'number of partitions (default 1)', helpValue: '<count>' }),
    replicas: Flags.string({
      description: 'replication factor, at most the number of brokers (default 1)',
      helpValue: '<count>',
    }),
    options: Flags.string({
      description: 'topic config k=v,... such as retention.ms=3600000,flush.ms=1000, or file:topic.properties',
      helpValue: '<k=v,...>',
    }),
    startPartitionId: Flags.string({
      description: 'partition id the round-robin starts at (default -1 = 0)',
      helpValue: '<id>',
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(TopicAdd)
    const json = await this.call('add', flags.api, {
      topic: args.expr,
      broker: flags.broker,
      partitions: flags.partitions,
      replicas: flags.replicas,
      options: flags.options === undefined ? undefined : expandFileValue('options', flags.options),
      fixedStartIndex: flags.fixedStartIndex,
      startPartitionId: flags.startPartitionId,
    })
    if (!this.jsonEnabled()) this.log(formatTopics('added', this.decode(TopicsResponse, 'add', json).topics))
    return json
  }
}
