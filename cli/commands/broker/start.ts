/** `kafka-mesos broker start`: start brokers and wait until they run. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, BrokerCommand } from '../../base/index.js'
import { type JsonValue, StartStopResponse } from '../../client/index.js'
import { formatStartStop, startStopTimeoutMessage } from '../../format/index.js'

/** `broker start <expr>` (alias `start`): POST /api/broker/start, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala). */
export default class BrokerStart extends BrokerCommand {
  static summary = 'Start brokers and wait until they run.'
  static description = `Marks the brokers active; the scheduler launches each one on a matching offer.
Waits up to --timeout (server default 60s) for the brokers to reach "running";
--timeout 0 returns at once ("scheduled to start"). On timeout it fails with "brokers start timeout"
and the brokers stay active: see "broker list" for why they are not running.`
  static aliases = ['start']
  static examples = [
    '<%= config.bin %> broker start 0',
    '<%= config.bin %> start 0..2 --timeout 5m',
    '<%= config.bin %> broker start "*" --timeout 0',
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
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerStart)
    const json = await this.call('start', flags.api, { broker: args.expr, timeout: flags.timeout })
    const res = this.decode(StartStopResponse, 'start', json)
    if (res.status === 'timeout') {
      if (!this.jsonEnabled()) this.fail(startStopTimeoutMessage('start', res), 'KM_ERR_TIMEOUT')
      process.exitCode = 1
    } else if (!this.jsonEnabled()) {
      this.log(formatStartStop('start', res))
    }
    return json
  }
}
