/** `kafka-mesos broker update`: change settings of existing brokers. */
import { Args } from '@oclif/core'
import { apiFlags, BrokerCommand, settingsFlags, settingsParams } from '../../base/index.js'
import { BrokersResponse, type JsonValue } from '../../client/index.js'
import { formatAddUpdate } from '../../format/index.js'

/** `broker update <expr>` (alias `update`): POST /api/broker/update, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala). */
export default class BrokerUpdate extends BrokerCommand {
  static summary = 'Change settings of existing brokers.'
  static description = `Only the flags you pass change; pass "" to unset a setting (e.g. --port "").

On a running broker, --options that Kafka can change at run time (its dynamic broker configs, such as
num.io.threads, num.network.threads, num.replica.fetchers, log.cleaner.threads, log.retention.ms,
message.max.bytes) are applied at once through Kafka's Admin API, without a restart; Kafka's refusal
of a value is an error and nothing changes. Every other change waits for the next restart: the broker
shows "(modified, needs restart)" in "broker list", and "changes:" says what was applied live and
what needs the restart (broker restart <expr> rolls it in).`
  static aliases = ['update']
  static examples = [
    '<%= config.bin %> broker update 0 --mem 1024 --heap 512',
    '<%= config.bin %> update 0..2 --options "log.retention.hours=48"',
    '<%= config.bin %> broker update "*" --failover-max-tries 5 --stickiness-period 30m',
    '<%= config.bin %> broker update 1 --port ""',
    '<%= config.bin %> broker update 0..2 --options num.io.threads=4,log.retention.ms=86400000   # live, no restart',
    '<%= config.bin %> broker update 0 --bind-address "192.168.50.*" --log4j-options kafka.controller=DEBUG --syslog',
  ]
  static args = {
    expr: Args.string({ description: 'broker id expression, e.g. 0..2 or *', required: true }),
  }
  static flags = { ...apiFlags, ...settingsFlags }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerUpdate)
    const json = await this.call('update', flags.api, { broker: args.expr, ...settingsParams(flags) })
    if (!this.jsonEnabled()) this.log(formatAddUpdate('updated', this.decode(BrokersResponse, 'update', json).brokers))
    return json
  }
}
