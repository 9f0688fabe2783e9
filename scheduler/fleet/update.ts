/** `broker update`: new settings for brokers; options Kafka can change at run time go to running brokers live. */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import type { KafkaScheduler } from '../framework/index.js'
import { AlterConfigsError, applyLive, type OptionsPlan, planIsEmpty, planOptionsChange } from '../kafka/index.js'
import { brokerById, brokerIds } from './node-ids.js'
import { BrokerRefused } from './refused.js'
import { applySettings, checkResources, markRestart, type NodeSettings } from './settings.js'

/** The Kafka trouble of a live config change as a refusal: Kafka's refusal is 400, an unreachable broker 503. */
function liveError(node: KafkaNode, plan: OptionsPlan, e: unknown): BrokerRefused {
  const what = [
    ...Object.entries(plan.set).map(([k, v]) => `${k}=${v}`),
    ...plan.remove.map((k) => `${k} removed`),
  ].join(', ')
  if (e instanceof AlterConfigsError)
    return new BrokerRefused(
      `options: Kafka refused ${what} on broker ${node.id}: ${e.message}`,
      'KM_ERR_KAFKA_REFUSED',
    )
  return new BrokerRefused(
    `options: broker ${node.id} at ${node.task?.endpoint} did not take ${what} (${(e as Error).message}); nothing was changed, try again`,
    'KM_ERR_KAFKA_UNAVAILABLE',
    503,
  )
}

/**
 * Updates brokers (mesos/kafka's `update`, `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`).
 * Everything is checked first; then `options` Kafka can change on a running broker are applied to it
 * live (validated on every broker before any is changed; kafka/dynamic-configs.ts), and whatever
 * else changed on a broker with a task marks it as needing a restart.
 * @returns the updated brokers
 * @throws ExprError; BrokerRefused 400 `Broker N not found` (KM_ERR_NOT_FOUND), a role change,
 *   KM_ERR_SIZING for a heap, mem and options that cannot start Kafka, Kafka's refusal (KM_ERR_KAFKA_REFUSED); 503 when a running broker can't be reached
 *   (KM_ERR_KAFKA_UNAVAILABLE)
 */
export async function updateBrokers(
  scheduler: KafkaScheduler,
  p: NodeSettings & { broker: string },
  log: Logger,
): Promise<KafkaNode[]> {
  const list = brokerIds(scheduler, p.broker)
  const missing = list.filter((id) => !brokerById(scheduler, id))
  if (missing.length > 0) throw new BrokerRefused(`Broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
  const changed = list.filter((id) => p.role !== undefined && brokerById(scheduler, id)!.role !== p.role)
  if (changed.length > 0)
    throw new BrokerRefused(
      `role: the role of broker ${changed.join(',')} is fixed when it is added (its storage is formatted for it); remove and add it again`,
    )
  const nodes = list.map((id) => brokerById(scheduler, id)!)
  // Check everything first; options Kafka can change at run time go to running brokers live.
  const planned = nodes.map((node) => {
    const copy = structuredClone(node)
    applySettings(copy, p)
    checkResources(copy)
    const live = node.task?.state === 'running' && node.launchedOptions && p.options !== undefined
    return {
      node,
      options: copy.options,
      plan: live ? planOptionsChange(node.launchedOptions!, node.dynamicConfigs ?? {}, copy.options) : undefined,
    }
  })
  const toApply = planned.filter((x) => x.plan && !planIsEmpty(x.plan))
  for (const x of toApply)
    await applyLive(x.node, x.plan!, true).catch((e: unknown) => Promise.reject(liveError(x.node, x.plan!, e)))
  for (const x of toApply) {
    await applyLive(x.node, x.plan!, false).catch(async (e: unknown) => {
      await scheduler.save() // what was applied to earlier brokers is recorded
      throw liveError(x.node, x.plan!, e)
    })
    log.info(
      { broker: x.node.id, set: x.plan!.set, removed: x.plan!.remove },
      'options applied to the running broker without a restart',
    )
  }
  for (const { node, options } of planned) {
    const optionsChanged = JSON.stringify(node.options) !== JSON.stringify(options)
    const changed = applySettings(node, p)
    markRestart(node, changed, optionsChanged)
  }
  await scheduler.save()
  log.info({ brokers: list }, 'brokers updated')
  return nodes
}
