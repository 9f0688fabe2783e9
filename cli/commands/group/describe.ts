/** `kafka-mesos group describe`: a consumer group's members and, per partition, committed offset, log end offset and lag. */
import { Args } from '@oclif/core'
import { apiFlags, TopicCommand } from '../../base/index.js'
import { GroupResponse, type JsonValue } from '../../client/index.js'
import { formatGroup } from '../../format/index.js'

/** `group describe <group>`: POST /api/group/describe (as `kafka-consumer-groups.sh --describe --group g`). */
export default class GroupDescribe extends TopicCommand {
  static summary = "Show a consumer group's lag per partition and which member holds each partition."
  static description =
    `Columns: topic | partition | committed | log end | lag | member. "committed" is the group's committed offset, "log end" the partition's log end offset (its high watermark), lag their difference; "-" where the group committed nothing or no member holds the partition. The member is clientId/memberId.`
  static examples = ['<%= config.bin %> group describe my-app', '<%= config.bin %> group describe my-app --json']
  static args = { group: Args.string({ description: 'consumer group id', required: true }) }
  static flags = { ...apiFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(GroupDescribe)
    const json = await this.call('group/describe', flags.api, { group: args.group })
    if (!this.jsonEnabled()) this.log(formatGroup(this.decode(GroupResponse, 'group/describe', json)))
    return json
  }
}
