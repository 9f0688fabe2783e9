/** `kafka-mesos topic rebalance`: recompute every partition's replicas over the chosen brokers and move them. */
import { Args, Flags } from '@oclif/core'
import { RebalanceCommand, rebalanceFlags } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `topic rebalance <topic-expr>|status`: POST /api/topic/rebalance, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/Rebalancer.scala). */
export default class TopicRebalance extends RebalanceCommand {
  static summary = "Recompute every partition's replicas over the chosen brokers and move them."
  static description =
    `Every partition of the topics is reassigned with Kafka's algorithm over --broker (as topic add); Kafka then copies the data (partition reassignment) while the topics stay readable and writable. Refused while any reassignment runs. "status" shows the last rebalance, one line per partition: "p: old -> new - running|done|error|cancelled", and its progress (partitions moved, bytes copied). "cancel" cancels the running reassignments: Kafka puts the partitions back on their replicas from before, and the --throttle is removed. --timeout waits and prints a progress line whenever it changes. --replicas N changes the replication factor. See also "topic realign", which moves only what must move.`
  static examples = [
    '<%= config.bin %> topic rebalance t --broker 0..3 --dry-run',
    '<%= config.bin %> topic rebalance t --broker 0..3 --timeout 5m',
    '<%= config.bin %> topic rebalance t --broker 0..3 --throttle 10',
    '<%= config.bin %> topic rebalance "*" --broker "*[rack]"',
    '<%= config.bin %> topic rebalance t --replicas 3',
    '<%= config.bin %> topic rebalance status',
    '<%= config.bin %> topic rebalance cancel',
  ]
  static args = { expr: Args.string({ description: 'topic expression, or "status", or "cancel"', required: true }) }
  static flags = {
    ...rebalanceFlags,
    startPartitionId: Flags.string({
      description: 'partition index the round-robin starts at (default -1 = 0)',
      helpValue: '<id>',
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(TopicRebalance)
    return this.rebalance('Rebalance', args.expr, flags, { startPartitionId: flags.startPartitionId })
  }
}
