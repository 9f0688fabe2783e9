/** `kafka-mesos broker clone`: add brokers with the settings of an existing broker. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, BrokerCommand } from '../../base/index.js'
import { BrokersResponse, type JsonValue } from '../../client/index.js'
import { formatAddUpdate } from '../../format/index.js'

/** `broker clone <expr> --source <id>` (alias `clone`): POST /api/broker/clone, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala). */
export default class BrokerClone extends BrokerCommand {
  static summary = 'Add brokers with the settings of an existing broker.'
  static description = `Adds the brokers <expr> (new ids) as copies of --source: resources, port, constraints,
options, JVM options, java command, stickiness period and failover settings. They stay stopped until
"broker start". Fails if any new id exists or the source does not.`
  static aliases = ['clone']
  static examples = ['<%= config.bin %> broker clone 3..5 --source 0', '<%= config.bin %> clone 7 --source 2 --json']
  static args = {
    expr: Args.string({ description: 'new broker ids, e.g. 3..5', required: true }),
  }
  static flags = {
    ...apiFlags,
    source: Flags.string({
      description: 'id of the broker whose settings are copied',
      helpValue: '<id>',
      required: true,
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerClone)
    const json = await this.call('clone', flags.api, { broker: args.expr, source: flags.source })
    if (!this.jsonEnabled()) this.log(formatAddUpdate('cloned', this.decode(BrokersResponse, 'clone', json).brokers))
    return json
  }
}
