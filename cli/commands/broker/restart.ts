/** `kafka-mesos broker restart`: rolling restart: restart brokers one at a time, keeping partitions available. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, BrokerCommand } from '../../base/index.js'
import { type JsonValue, postStream, RestartResponse, resolveApi, SchedulerApiError } from '../../client/index.js'
import { formatRestarted } from '../../format/index.js'

/** `broker restart <expr>` (alias `restart`): POST /api/broker/restart, as mesos/kafka's (src/scala/main/ly/stealth/mesos/kafka/cli/BrokerCli.scala, src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala). */
export default class BrokerRestart extends BrokerCommand {
  static summary = 'Rolling restart: restart brokers one at a time, keeping partitions available.'
  static description = [
    'Refused (exit 1) while a partition reassignment runs. KRaft controllers are restarted when named by their ids (1000000 up; "*" means every broker): controllers go first, the active controller (the quorum leader) last, each only while the other voters can still form a caught-up majority, then the brokers.',
    "For each broker in id order: wait until no partition reassignment runs, every partition is in sync (ISR = replicas) and stopping the broker leaves no partition under its topic's min.insync.replicas (Strimzi's rule); then stop it (clean Kafka shutdown), start it, wait until it runs and every partition is in sync again. Prints progress as it goes.",
    '--timeout is per broker (server default 5m, 2m with --noWaitForReplication). --noWaitForReplication skips every Kafka check (only stop and start are waited for).',
    'On a timeout it fails with "broker N timeout on stop|start|replication"; the brokers after it are not restarted.',
  ].join('\n\n')
  static aliases = ['restart']
  static examples = [
    '<%= config.bin %> broker restart 0..2',
    '<%= config.bin %> broker restart "*" --timeout 10m',
    '<%= config.bin %> restart 1 --noWaitForReplication',
    '<%= config.bin %> broker restart 1000000..1000002,0..2   # the 3 controllers (active one last), then brokers 0..2',
  ]
  static args = {
    expr: Args.string({ description: 'broker id expression, e.g. 0..2 or *', required: true }),
  }
  static flags = {
    ...apiFlags,
    timeout: Flags.string({ description: 'how long each broker may take, a period such as 5m', helpValue: '<period>' }),
    noWaitForReplication: Flags.boolean({
      description:
        'do not wait for partitions to get back in sync (and skip the min.insync.replicas, reassignment and controller quorum checks)',
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(BrokerRestart)
    const json = this.jsonEnabled()
    let answer: JsonValue
    try {
      answer = await postStream(
        resolveApi({ flag: flags.api }),
        'broker/restart',
        {
          broker: args.expr,
          timeout: flags.timeout,
          noWaitForReplication: flags.noWaitForReplication ? 'true' : undefined,
        },
        (line) => {
          if (!json) this.log(line)
        },
      )
    } catch (e) {
      throw e instanceof SchedulerApiError ? this.toCliError(e) : e
    }
    const res = this.decode(RestartResponse, 'restart', answer)
    if (res.status !== 'restarted') {
      if (!json) this.fail(res.message ?? `broker restart ${res.status}`, 'KM_ERR_TIMEOUT')
      process.exitCode = 1
    } else if (!json) {
      this.log(formatRestarted(res))
    }
    return answer
  }
}
