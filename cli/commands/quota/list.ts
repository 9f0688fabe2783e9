/** `kafka-mesos quota list`: list the client quotas of client ids (default) or users, as Kafka holds them. */
import { Args, Flags } from '@oclif/core'
import { apiFlags, TopicCommand } from '../../base/index.js'
import { type JsonValue, QuotaResponse } from '../../client/index.js'
import { formatQuotas } from '../../format/index.js'

/** `quota list [<entity>]`: POST /api/quota/list (mesos/kafka src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/QuotaApi.scala), read from Kafka's client-quota API (KIP-546). */
export default class QuotaList extends TopicCommand {
  static summary = 'List the client quotas of client ids (default) or users, as Kafka holds them.'
  static description =
    `One row per client id (or user with --users) that has a quota: producer_byte_rate and consumer_byte_rate in bytes/s per broker, request_percentage in % of one broker thread; "-" where none is set. <default> is the default entity (the quota of every client id or user without its own).`
  static examples = [
    '<%= config.bin %> quota list',
    '<%= config.bin %> quota list app-1',
    '<%= config.bin %> quota list --users',
    '<%= config.bin %> quota list --json',
  ]
  static args = { entity: Args.string({ description: 'one client id or user name (or <default>); default: all' }) }
  static flags = {
    ...apiFlags,
    users: Flags.boolean({ description: 'user quotas instead of client-id quotas (entityType=users)' }),
  }

  async run(): Promise<JsonValue> {
    const { args, flags } = await this.parse(QuotaList)
    const entityType = flags.users ? 'users' : 'clients'
    const json = await this.call('quota/list', flags.api, { entityType, entity: args.entity })
    if (!this.jsonEnabled()) this.log(formatQuotas(this.decode(QuotaResponse, 'quota/list', json), entityType))
    return json
  }
}
