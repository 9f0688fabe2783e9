/** `kafka-mesos broker stop`: stop brokers and wait until their tasks end. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, BrokerCommand } from '../../base/index.js'
import { type JsonValue, StartStopResponse } from '../../client/index.js'
import { formatStartStop, startStopTimeoutMessage } from '../../format/index.js'

/** `broker stop <expr>` (alias `stop`): POST /api/broker/stop, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala). */
export default class BrokerStop extends BrokerCommand {
  static summary = 'Stop brokers and wait until their tasks end.'
  static description = `Marks the brokers inactive and kills their tasks (Kafka shuts down cleanly).
Waits up to --timeout (server default 60s); --timeout 0 returns at once.
--force stops the executor right away instead of a clean shutdown.`
  static aliases = ['stop']
  static examples = [
    '<%= config.bin %> broker stop 0',
    '<%= config.bin %> stop 0..2 --timeout 2m',
    '<%= config.bin %> broker stop 1 --force',
  ]
  static args = {
    expr: Args.string({ description: 'broker id expression, e.g. 0..2 or *', required: true }),
  }
  static flags = {
    ...apiFlags,
    timeout: Flags.string({
      description: 'how long to wait, a period such as 60s or 5m; 0 = do not wait',
      helpValue: '<period>',
    }),
    force: Flags.boolean({ description: 'stop the executor at once instead of a clean Kafka shutdown' }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerStop)
    const json = await this.call('stop', flags.api, {
      broker: args.expr,
      timeout: flags.timeout,
      force: flags.force ? 'true' : undefined,
    })
    const res = this.decode(StartStopResponse, 'stop', json)
    if (res.status === 'timeout') {
      if (!this.jsonEnabled()) this.fail(startStopTimeoutMessage('stop', res), 'KM_ERR_TIMEOUT')
      process.exitCode = 1
    } else if (!this.jsonEnabled()) {
      this.log(formatStartStop('stop', res))
    }
    return json
  }
}
