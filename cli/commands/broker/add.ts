/** `kafka-mesos broker add`: add brokers (inactive) with the given settings. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, BrokerCommand, settingsFlags, settingsParams } from '../../base/index.js'
import { BrokersResponse, type JsonValue } from '../../client/index.js'
import { formatAddUpdate } from '../../format/index.js'

/** `broker add <expr>` (alias `add`): POST /api/broker/add, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala). */
export default class BrokerAdd extends BrokerCommand {
  static summary = 'Add brokers (inactive) with the given settings.'
  static description = `Adds brokers to the scheduler's state. They stay stopped until "broker start".
<expr> is a broker id expression: 0, 0,1, 0..2, 0,1..2 (ids that don't exist yet are fine).
Durations are periods such as 500ms, 60s, 10m, 1h, 1d. Unset settings take the scheduler's defaults:
cpus 1, mem 2048, heap 1024, port auto, failover delay 1m / max 10m, stickiness 10m.`
  static aliases = ['add']
  static examples = [
    '<%= config.bin %> broker add 0',
    '<%= config.bin %> broker add 0..2 --cpus 0.5 --mem 768 --heap 256',
    '<%= config.bin %> add 3 --port 31090..31100 --options "log.retention.hours=24,num.io.threads=4"',
    '<%= config.bin %> broker add 4 --options file:server.properties --constraints hostname=unique',
    "<%= config.bin %> broker add 0..2 --volume kafka-$id   # data on persistent volumes kafka-0..kafka-2, reserved for the scheduler's --framework-role",
    '<%= config.bin %> broker add 5 --jvm-options="-XX:+UseG1GC" --api http://127.0.0.1:7000',
    '<%= config.bin %> broker add 0 --role broker,controller --cpus 0.5 --mem 1024 --heap 384   # a tiny cluster: one node, also the KRaft voter',
  ]
  static args = {
    expr: Args.string({ description: 'broker id expression, e.g. 0..2', required: true }),
  }
  static flags = {
    ...apiFlags,
    ...settingsFlags,
    role: Flags.string({
      description:
        'process.roles: broker (default) or broker,controller, a combined node that is also a KRaft voter (tiny clusters; only while the quorum is being formed: the quorum is then made of the combined nodes, without dedicated controllers)',
      options: ['broker', 'broker,controller'],
      helpValue: '<broker|broker,controller>',
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerAdd)
    const json = await this.call('add', flags.api, {
      broker: args.expr,
      ...settingsParams(flags),
      ...(flags.role ? { role: flags.role } : {}),
    })
    if (!this.jsonEnabled()) this.log(formatAddUpdate('added', this.decode(BrokersResponse, 'add', json).brokers))
    return json
  }
}
