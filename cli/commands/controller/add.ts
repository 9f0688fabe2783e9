/** `kafka-mesos controller add`: add a KRaft controller to the running quorum as a new voter. */
import { ControllerChangeCommand, changeFlags } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `controller add`: grow the KRaft quorum by one voter (KIP-853 AddRaftVoter). */
export default class ControllerAdd extends ControllerChangeCommand {
  static summary = 'Add a KRaft controller to the running quorum as a new voter.'
  static description =
    `The scheduler creates a controller with the next free node id, places it on a host (and rack, where agents have one) without a controller, formats its storage with --no-initial-controllers and starts it as an observer. Once it has caught up with the leader it asks the leader to add it as a voter (AddRaftVoter). Each step is printed as it happens. Refused while another quorum change runs, without a quorum leader, or for a static quorum (kraft.version 0).`
  static examples = [
    '<%= config.bin %> controller add',
    '<%= config.bin %> controller add --timeout 10m',
    '<%= config.bin %> controller add --timeout 0   # start it; follow with controller list',
  ]
  static flags = changeFlags

  async run(): Promise<JsonValue> {
    const { flags } = await this.parse(ControllerAdd)
    return this.change('add', undefined, flags)
  }
}
