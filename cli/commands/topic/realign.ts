/** `kafka-mesos topic realign`: move only the replicas that must move: off brokers outside --broker, or to reach --replicas. */
import { Args } from '@oclif/core'
import { RebalanceCommand, rebalanceFlags } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `topic realign <topic-expr>|status`: rebalance with `realign=true` (mesos/kafka's `topic realign`, src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala). */
export default class TopicRealign extends RebalanceCommand {
  static summary = 'Move only the replicas that must move: off brokers outside --broker, or to reach --replicas.'
  static description =
    `A partition changes only when it has a replica outside --broker or its replica count differs from --replicas; it keeps its allowed replicas (in their order, so its preferred leader stays) and is topped up from --broker. Fails with "not enough candidate brokers to satisfy request" when --broker has too few brokers.`
  static examples = [
    '<%= config.bin %> topic realign "*" --broker 0..2 --dry-run',
    '<%= config.bin %> topic realign t --replicas 3 --timeout 5m',
    '<%= config.bin %> topic realign status',
  ]
  static args = { expr: Args.string({ description: 'topic expression, or "status", or "cancel"', required: true }) }
  static flags = { ...rebalanceFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(TopicRealign)
    return this.rebalance('Realign', args.expr, flags, {})
  }
}
