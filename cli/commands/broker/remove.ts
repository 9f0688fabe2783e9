/** `kafka-mesos broker remove`: remove stopped brokers from the scheduler. */
import { Args } from '@oclif/core'
import { apiFlags, BrokerCommand } from '../../base/index.js'
import { type JsonValue, RemoveResponse } from '../../client/index.js'
import { formatRemoved } from '../../format/index.js'

/** `broker remove <expr>` (alias `remove`): POST /api/broker/remove, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala). */
export default class BrokerRemove extends BrokerCommand {
  static summary = 'Remove stopped brokers from the scheduler.'
  static description = 'Active brokers must be stopped first ("broker stop").'
  static aliases = ['remove']
  static examples = ['<%= config.bin %> broker remove 0', '<%= config.bin %> remove 0..2']
  static args = {
    expr: Args.string({ description: 'broker id expression, e.g. 0..2', required: true }),
  }
  static flags = { ...apiFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerRemove)
    const json = await this.call('remove', flags.api, { broker: args.expr })
    if (!this.jsonEnabled()) this.log(formatRemoved(this.decode(RemoveResponse, 'remove', json)))
    return json
  }
}
