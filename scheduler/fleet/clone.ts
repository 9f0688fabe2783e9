/** `broker clone`: new, inactive brokers with the settings of an existing one (brokers/clone.ts copies them). */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import { cloneBroker } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { brokerIds, checkNewIds, refuseExisting } from './node-ids.js'
import { BrokerRefused } from './refused.js'

/**
 * Clones broker `source` to the new ids of `broker` (mesos/kafka's `clone`,
 * `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`).
 * @returns the new brokers
 * @throws ExprError `broker: ...`/`source: ...`; BrokerRefused 400: no or controller ids, `source:
 *   must be 1 broker`, `source: broker N does not exist` (KM_ERR_NOT_FOUND), `brokers 1,2 already
 *   exist` (KM_ERR_EXISTS)
 */
export async function cloneBrokers(
  scheduler: KafkaScheduler,
  p: { broker: string; source: string },
  log: Logger,
): Promise<KafkaNode[]> {
  const list = brokerIds(scheduler, p.broker)
  checkNewIds(list, p.broker, 'give the new ids such as 3..5')
  const sources = brokerIds(scheduler, p.source, 'source')
  if (sources.length !== 1) throw new BrokerRefused(`source: must be 1 broker, "${p.source}" names ${sources.length}`)
  const source = scheduler.state.brokers.find((b) => b.id === sources[0])
  if (!source) throw new BrokerRefused(`source: broker ${sources[0]} does not exist`, 'KM_ERR_NOT_FOUND')
  refuseExisting(scheduler, list, 'broker')
  const added = list.map((id) => cloneBroker(source, id))
  scheduler.state.brokers.push(...added)
  scheduler.state.brokers.sort((a, b) => a.id - b.id)
  await scheduler.save()
  log.info({ brokers: list, source: source.id }, 'brokers cloned')
  return added
}
