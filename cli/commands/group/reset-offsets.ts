/** `kafka-mesos group reset-offsets`: move an idle consumer group's committed offsets to the start, the end or a point in time. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, TopicCommand } from '../../base/index.js'
import { type JsonValue, ResetOffsetsResponse } from '../../client/index.js'
import { formatReset } from '../../format/index.js'

/** `group reset-offsets <group> --to earliest|latest|<time>`: POST /api/group/reset-offsets (as `kafka-consumer-groups.sh --reset-offsets --execute`). */
export default class GroupResetOffsets extends TopicCommand {
  static summary = "Reset a consumer group's committed offsets to earliest, latest or a time."
  static description =
    `The group must have no members: stop its consumers first (Kafka keeps a running group's own commits, so a reset would be lost; the scheduler refuses with KM_ERR_GROUP_ACTIVE). --to earliest commits each partition's log start offset (the group re-reads everything kept), latest its log end offset (the group skips what is there now), a time the first offset whose message is at or after it (ISO 8601 with a zone, or epoch milliseconds). Every partition of the topics the group committed offsets for is reset, or of --topic. --dry-run shows the offsets and commits nothing.`
  static examples = [
    '<%= config.bin %> group reset-offsets my-app --to earliest',
    '<%= config.bin %> group reset-offsets my-app --to latest --topic orders',
    '<%= config.bin %> group reset-offsets my-app --to 2026-12-04T18:00:00Z --dry-run',
    '<%= config.bin %> group reset-offsets my-app --to 1796407200000 --json',
  ]
  static args = { group: Args.string({ description: 'consumer group id', required: true }) }
  static flags = {
    ...apiFlags,
    to: Flags.string({
      description: 'earliest, latest, or a time: ISO 8601 such as 2026-12-04T18:00:00Z, or epoch ms',
      required: true,
      helpValue: '<earliest|latest|time>',
    }),
    topic: Flags.string({
      description: 'topics to reset, comma-separated (default: those with committed offsets)',
      helpValue: '<t1,t2>',
    }),
    'dry-run': Flags.boolean({ description: 'show the new offsets, commit nothing' }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(GroupResetOffsets)
    const json = await this.call('group/reset-offsets', flags.api, {
      group: args.group,
      to: flags.to,
      topic: flags.topic,
      dryRun: flags['dry-run'] ? 'true' : undefined,
    })
    if (!this.jsonEnabled()) this.log(formatReset(this.decode(ResetOffsetsResponse, 'group/reset-offsets', json)))
    return json
  }
}
