/** `kafka-mesos quota set`: set or remove client quotas of a client id (default) or a user. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, TopicCommand } from '../../base/index.js'
import { type JsonValue, QuotaResponse } from '../../client/index.js'
import { formatQuotas } from '../../format/index.js'

/** `quota set <entity>`: POST /api/quota/set (mesos/kafka src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/QuotaApi.scala) through Kafka's AlterClientQuotas (KIP-546). */
export default class QuotaSet extends TopicCommand {
  static summary = 'Set or remove client quotas of a client id (default) or a user.'
  static description =
    `Only the given quotas change; the entity's other quotas stay. "" removes a quota. Kafka enforces them on every broker: --producer-byte-rate and --consumer-byte-rate in bytes/s per broker, --request-percentage in % of one request-handler and network thread. Prints the entity's quotas after the change.`
  static examples = [
    '<%= config.bin %> quota set app-1 --producer-byte-rate 1048576 --consumer-byte-rate 2097152',
    '<%= config.bin %> quota set alice --users --request-percentage 50',
    '<%= config.bin %> quota set "<default>" --producer-byte-rate 10485760',
    '<%= config.bin %> quota set app-1 --producer-byte-rate ""',
  ]
  static args = {
    entity: Args.string({ description: 'client id or user name, or <default> for the default entity', required: true }),
  }
  static flags = {
    ...apiFlags,
    users: Flags.boolean({ description: 'a user quota instead of a client-id quota (entityType=users)' }),
    'producer-byte-rate': Flags.string({
      description: 'produce bytes/s per broker ("" removes it)',
      helpValue: '<bytes/s>',
    }),
    'consumer-byte-rate': Flags.string({
      description: 'fetch bytes/s per broker ("" removes it)',
      helpValue: '<bytes/s>',
    }),
    'request-percentage': Flags.string({
      description: '% of one request-handler and network thread per broker ("" removes it)',
      helpValue: '<percent>',
    }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(QuotaSet)
    const entityType = flags.users ? 'users' : 'clients'
    const json = await this.call('quota/set', flags.api, {
      entityType,
      entity: args.entity,
      producerByteRate: flags['producer-byte-rate'],
      consumerByteRate: flags['consumer-byte-rate'],
      requestPercentage: flags['request-percentage'],
    })
    if (!this.jsonEnabled())
      this.log(`quotas set:\n${formatQuotas(this.decode(QuotaResponse, 'quota/set', json), entityType)}`)
    return json
  }
}
