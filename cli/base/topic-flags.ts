/** The flags of the topic commands that place replicas: topic add, rebalance and realign. */
// mesos/kafka's options, src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala.

import { Flags } from '@oclif/core'

import { apiFlags } from './api-flag.js'

/** Flags of topic add and rebalance/realign for the replica assignment (mesos/kafka's `topic add` options, TopicCli.scala). */
export const assignFlags = {
  broker: Flags.string({
    description:
      'brokers to place replicas on: an id expression such as 0..3, or with an attribute filter such as "*[rack]" whose groups are interleaved so replicas spread over racks (default *: every running broker)',
    helpValue: '<broker-expr>',
  }),
  fixedStartIndex: Flags.string({
    description:
      'index into the broker list where assignment starts; also fixes the replica shift (default -1 = random, as Kafka)',
    helpValue: '<index>',
  }),
}

/** Flags shared by rebalance and realign (mesos/kafka's `topic rebalance` options, TopicCli.scala). */
export const rebalanceFlags = {
  ...apiFlags,
  ...assignFlags,
  replicas: Flags.string({
    description: "new replication factor (default -1 = keep each topic's)",
    helpValue: '<count>',
  }),
  timeout: Flags.string({
    description:
      'wait until the moves finish, a period such as 30s or 5m, printing progress lines (default: return at once)',
    helpValue: '<period>',
  }),
  'dry-run': Flags.boolean({ description: 'show the partitions that would move and change nothing' }),
  throttle: Flags.string({
    description:
      'limit replication to this many MB/s per broker while partitions move (set through broker and topic configs as kafka-reassign-partitions.sh does, removed when the moves end)',
    helpValue: '<MB/s>',
  }),
}
