/** The node ids a broker command names: its id expression expanded, new ids kept below the controllers' range. */

import { CONTROLLER_BASE_ID, type KafkaNode } from '../../contract/index.js'
import { expandParam } from '../brokers/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { BrokerRefused } from './refused.js'

/** The ids of an expression over the scheduler's brokers. @throws ExprError `<field>: invalid broker expression ...` */
export function brokerIds(scheduler: KafkaScheduler, expr: string, field = 'broker'): number[] {
  return expandParam(field, expr, scheduler.state.brokers)
}

/** The broker with an id, if it exists. */
export function brokerById(scheduler: KafkaScheduler, id: number): KafkaNode | undefined {
  return scheduler.state.brokers.find((b) => b.id === id)
}

/**
 * Checks the ids of new brokers: at least one (`hint` says what to give), none in the controllers'
 * range (CONTROLLER_BASE_ID up). @throws BrokerRefused 400
 */
export function checkNewIds(list: number[], expr: string, hint: string): void {
  if (list.length === 0) throw new BrokerRefused(`broker: "${expr}" names no broker; ${hint}`)
  const big = list.find((id) => id >= CONTROLLER_BASE_ID)
  if (big !== undefined)
    throw new BrokerRefused(`broker: id ${big} is reserved for KRaft controllers; use ids below ${CONTROLLER_BASE_ID}`)
}

/**
 * Refuses ids that exist already (KM_ERR_EXISTS): `<Broker|broker>[s] 1,2 already exist[s]`, the
 * capital as mesos/kafka's `add` and `clone` wrote it.
 * @throws BrokerRefused 400
 */
export function refuseExisting(scheduler: KafkaScheduler, list: number[], word: 'Broker' | 'broker'): void {
  const existing = list.filter((id) => brokerById(scheduler, id))
  if (existing.length > 0)
    throw new BrokerRefused(
      `${word}${existing.length > 1 ? 's' : ''} ${existing.join(',')} already exist${existing.length > 1 ? '' : 's'}`,
      'KM_ERR_EXISTS',
    )
}
