/** The quota commands of the REST API: `quota list` and `quota set` of client ids and users, asked of the running brokers. */

import type { Logger } from 'pino'
import { type KafkaAdmin, NoBrokersError } from './admin.js'
import { KafkaRequestError } from './kafka-errors.js'
import { listQuotas, QUOTA_KEYS, type QuotaEntityType, type QuotaKey, type QuotaMap, setQuotas } from './quotas.js'

/** `quota set`: the entity, and per REST param the new value (`null` removes that quota; absent: unchanged). */
export type QuotaSetRequest = { entityType: QuotaEntityType; entity: string } & {
  [P in keyof typeof QUOTA_KEYS]?: number | null
}

/**
 * The quota commands, as mesos/kafka's `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/QuotaApi.scala`,
 * carried out through Kafka's client-quota API (quotas.ts) on the running brokers.
 */
export class QuotaCommands {
  constructor(
    private readonly kafka: KafkaAdmin,
    private readonly log: Logger,
  ) {}

  /** `quota list`: one entity's quotas, or every entity's of the type. @throws NoBrokersError when no broker runs */
  list(type: QuotaEntityType, entity?: string): Promise<QuotaMap> {
    return listQuotas(this.endpoints(), type, entity)
  }

  /**
   * `quota set`: merges the given values into the entity's quotas.
   * @returns the entity's quotas after the change, in the list shape
   * @throws KafkaRequestError 400 when no value is given; NoBrokersError when no broker runs; KafkaWireError for Kafka's refusal
   */
  async set(p: QuotaSetRequest): Promise<QuotaMap> {
    const changes: Partial<Record<QuotaKey, number | null>> = {}
    for (const [param, key] of Object.entries(QUOTA_KEYS) as Array<[keyof typeof QUOTA_KEYS, QuotaKey]>) {
      if (p[param] !== undefined) changes[key] = p[param]
    }
    if (Object.keys(changes).length === 0)
      throw new KafkaRequestError(
        'producerByteRate, consumerByteRate, requestPercentage: invalid quotas: give at least one, such as producerByteRate=1048576',
        'KM_ERR_INVALID_PARAM',
      )
    const result = await setQuotas(this.endpoints(), p.entityType, p.entity, changes)
    this.log.info(
      { entityType: p.entityType, entity: p.entity, changes, now: result[p.entity] ?? {} },
      'client quotas changed',
    )
    return result
  }

  /** `host:port` of the running brokers. @throws NoBrokersError when none runs */
  private endpoints(): string[] {
    const eps = this.kafka.endpoints()
    if (eps.length === 0) throw new NoBrokersError()
    return eps
  }
}
