/** `kafka-mesos controller replace`: replace a KRaft controller (e.g. one whose host is gone) by a new one on another host. */
import { Args } from '@oclif/core'
import { ControllerChangeCommand, changeFlags } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

/** `controller replace <id>`: a new voter elsewhere, then the old one removed (e.g. its host is gone). */
export default class ControllerReplace extends ControllerChangeCommand {
  static summary = 'Replace a KRaft controller (e.g. one whose host is gone) by a new one on another host.'
  static description =
    `A controller is pinned to its host, where its metadata log lives; if that host is gone for good it can never start again. This adds a new controller on another host (as "controller add" does), and once it is a voter removes the old voter (RemoveRaftVoter) and forgets it. Needs a running majority of the voters.`
  static examples = [
    '<%= config.bin %> controller replace 1000001',
    '<%= config.bin %> controller replace 1000001 --timeout 10m',
  ]
  static args = {
    id: Args.string({ description: 'node id of the controller to replace (see controller list)', required: true }),
  }
  static flags = changeFlags

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(ControllerReplace)
    return this.change('replace', args.id, flags)
  }
}
