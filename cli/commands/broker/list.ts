/** `kafka-mesos broker list`: list brokers with their settings, state and task. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, BrokerCommand } from '../../base/index.js'
import { BrokersResponse, type JsonValue } from '../../client/index.js'
import { formatList } from '../../format/index.js'

/** `broker list [<expr>]` (alias `list`): POST /api/broker/list, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala). */
export default class BrokerList extends BrokerCommand {
  static summary = 'List brokers with their settings, state and task.'
  static description = `<expr> defaults to * (every broker). Filters select brokers by where their task runs:
*[rack=r1], *[hostname=kafka*], 0..4[rack=r1,dc=dc1].`
  static aliases = ['list']
  static examples = [
    '<%= config.bin %> broker list',
    '<%= config.bin %> list 0..2 --quiet',
    '<%= config.bin %> broker list "*[rack=r1]"',
    '<%= config.bin %> broker list --json',
  ]
  static args = {
    expr: Args.string({ description: 'broker id expression', default: '*' }),
  }
  static flags = {
    ...apiFlags,
    quiet: Flags.boolean({ char: 'q', description: 'hide options, log4j-options and jvm-options' }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerList)
    const json = await this.call('list', flags.api, { broker: args.expr })
    if (!this.jsonEnabled()) this.log(formatList(this.decode(BrokersResponse, 'list', json).brokers, flags.quiet))
    return json
  }
}
