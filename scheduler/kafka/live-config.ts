/** Live options of a running broker: IncrementalAlterConfigs on its BROKER resource, and the record of them. */

/**
 * Applying `options` changes to a running broker through Kafka's Admin API (IncrementalAlterConfigs
 * on the BROKER resource of its node id, sent to the broker itself), and keeping kafka-mesos's
 * record of those per-broker dynamic configs (`KafkaNode.dynamicConfigs`) in step with Kafka.
 * Which keys go live: dynamic-configs.ts.
 */

import { type KafkaNode, substituteId } from '../../contract/index.js'
import { type OptionsPlan, planIsEmpty } from './dynamic-configs.js'
import { AlterConfigsError, alterBrokerConfigs, type ConfigChange } from './wire/index.js'

export { AlterConfigsError }

/** The Kafka config changes of a plan for one node (`$id` replaced by the node id, as in server.properties). */
export function configChanges(nodeId: number, plan: OptionsPlan): ConfigChange[] {
  return [
    ...Object.entries(plan.set).map(
      ([name, value]): ConfigChange => ({ name, op: 'set', value: substituteId(value, nodeId) }),
    ),
    ...plan.remove.map((name): ConfigChange => ({ name, op: 'delete' })),
  ]
}

/**
 * Sends a plan's live changes to the node's running broker; with `validateOnly` Kafka only checks
 * them. After a real change, records them in `node.dynamicConfigs`.
 * @throws AlterConfigsError when Kafka refuses a value; Error when the broker can't be reached or runs no task
 */
export async function applyLive(node: KafkaNode, plan: OptionsPlan, validateOnly: boolean): Promise<void> {
  if (planIsEmpty(plan)) return
  if (node.task?.state !== 'running') throw new Error(`broker ${node.id} is not running`)
  await alterBrokerConfigs(node.task.endpoint, node.id, configChanges(node.id, plan), { validateOnly })
  if (validateOnly) return
  const dynamic = { ...(node.dynamicConfigs ?? {}), ...plan.set }
  for (const k of plan.remove) delete dynamic[k]
  node.dynamicConfigs = Object.keys(dynamic).length > 0 ? dynamic : undefined
}

/**
 * Deletes, on a node whose new task runs, the dynamic configs kafka-mesos set for an earlier task
 * (they would outrank the values in the new server.properties), except keys set live again since.
 * @returns true when there was nothing left to do or the deletion succeeded
 * @throws AlterConfigsError / Error as {@link applyLive}
 */
export async function dropStaleDynamicConfigs(node: KafkaNode): Promise<boolean> {
  const stale = node.staleDynamicConfigs
  if (!stale) return true
  if (node.task?.state !== 'running') return false
  const current = node.dynamicConfigs ?? {}
  const keys = Object.keys(stale).filter((k) => !Object.hasOwn(current, k))
  await alterBrokerConfigs(
    node.task.endpoint,
    node.id,
    keys.map((name): ConfigChange => ({ name, op: 'delete' })),
  )
  if (node.staleDynamicConfigs === stale) node.staleDynamicConfigs = undefined
  return true
}
