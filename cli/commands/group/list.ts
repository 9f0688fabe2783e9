/** `kafka-mesos group list`: every consumer group Kafka knows, with its state, members and total lag. */
import { apiFlags, TopicCommand } from '../../base/index.js'
import { GroupsResponse, type JsonValue } from '../../client/index.js'
import { formatGroups } from '../../format/index.js'

/** `group list`: POST /api/group/list (Kafka's ListGroups and DescribeGroups, as `kafka-consumer-groups.sh --list --state`). */
export default class GroupList extends TopicCommand {
  static summary = 'List consumer groups with their state, members and total lag.'
  static description =
    `Lag is how many messages a group is behind: per partition, the log end offset minus the group's committed offset, summed over the partitions it committed offsets for. State is Kafka's: Stable (members consuming), Empty (no members; offsets kept), PreparingRebalance or CompletingRebalance (members joining), Dead.`
  static examples = ['<%= config.bin %> group list', '<%= config.bin %> group list --json']
  static flags = { ...apiFlags }

  async run(): Promise<JsonValue> {
    const { flags } = await this.parse(GroupList)
    const json = await this.call('group/list', flags.api, {})
    if (!this.jsonEnabled()) this.log(formatGroups(this.decode(GroupsResponse, 'group/list', json)))
    return json
  }
}
