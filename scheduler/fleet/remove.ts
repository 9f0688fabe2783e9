/** `broker remove`: brokers that are stopped leave the scheduler's state; voters of a formed quorum never do. */

import type { Logger } from 'pino'
import type { KafkaScheduler } from '../framework/index.js'
import { quorumPlaced } from '../quorum/index.js'
import { brokerById, brokerIds } from './node-ids.js'
import { BrokerRefused } from './refused.js'

/**
 * Removes brokers (mesos/kafka's `remove`, `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`).
 * @returns the removed ids
 * @throws ExprError; BrokerRefused 400 `broker N not found` (KM_ERR_NOT_FOUND), `broker N is active`
 *   (KM_ERR_ACTIVE), a `broker,controller` voter of a formed quorum (KM_ERR_VOTER)
 */
export async function removeBrokers(scheduler: KafkaScheduler, expr: string, log: Logger): Promise<number[]> {
  const list = brokerIds(scheduler, expr)
  const missing = list.filter((id) => !brokerById(scheduler, id))
  if (missing.length > 0) throw new BrokerRefused(`broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
  const active = list.filter((id) => brokerById(scheduler, id)!.active || brokerById(scheduler, id)!.task)
  if (active.length > 0)
    throw new BrokerRefused(
      `broker ${active.join(',')} is active; stop it first with: broker stop ${active.join(',')}`,
      'KM_ERR_ACTIVE',
    )
  const voters = list.filter(
    (id) => brokerById(scheduler, id)!.role === 'broker,controller' && quorumPlaced(scheduler.voterNodes()),
  )
  if (voters.length > 0)
    throw new BrokerRefused(
      `broker ${voters.join(',')} is a broker,controller node, a voter of the KRaft quorum; it cannot be removed (start it again with: broker start ${voters.join(',')})`,
      'KM_ERR_VOTER',
    )
  scheduler.state.brokers = scheduler.state.brokers.filter((b) => !list.includes(b.id))
  await scheduler.save()
  log.info({ brokers: list }, 'brokers removed')
  return list
}
