/** `kafka-mesos controller remove`: remove a KRaft controller from the quorum, then stop and forget it. */
import { Args } from '@oclif/core'
import { ControllerChangeCommand, changeFlags } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `controller remove <id>`: shrink the KRaft quorum by one voter (KIP-853 RemoveRaftVoter), then stop it. */
export default class ControllerRemove extends ControllerChangeCommand {
  static summary = 'Remove a KRaft controller from the quorum, then stop and forget it.'
  static description =
    `Asks the quorum leader to remove the voter (RemoveRaftVoter), waits until it is no longer a voter, then stops the controller and forgets it (its node id is not reused). Refused for the last voter, and when the voters left would not have a running majority. A controller that never became a voter (a failed "controller add") is just stopped and forgotten.`
  static examples = [
    '<%= config.bin %> controller remove 1000003',
    '<%= config.bin %> controller remove 1000003 --json',
  ]
  static args = { id: Args.string({ description: 'node id of the controller (see controller list)', required: true }) }
  static flags = changeFlags

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(ControllerRemove)
    return this.change('remove', args.id, flags)
  }
}
