/** Dropping the dynamic configs set live for a broker's earlier task once its new task runs, retried a few times. */

import type { Logger } from 'pino'
import type { KafkaNode } from '../../contract/index.js'
import { dropStaleDynamicConfigs } from '../kafka/index.js'

/** How often, and how far apart, the deletion is tried while the same task runs. */
export const STALE_CONFIG_ATTEMPTS = 5
export const STALE_CONFIG_RETRY_MS = 2000

/**
 * Deletes the dynamic configs set live for a node's earlier task once its new task `taskId` runs
 * (kafka/live-config.ts: they would outrank the new server.properties); retried every
 * {@link STALE_CONFIG_RETRY_MS}, {@link STALE_CONFIG_ATTEMPTS} times, while the same task runs.
 * Never throws; `save` runs after a success.
 */
export async function dropStaleConfigsOnceRunning(
  node: KafkaNode,
  taskId: string,
  save: () => Promise<void>,
  log: Logger,
): Promise<void> {
  for (
    let attempt = 1;
    attempt <= STALE_CONFIG_ATTEMPTS && node.task?.id === taskId && node.task.state === 'running';
    attempt++
  ) {
    const keys = Object.keys(node.staleDynamicConfigs ?? {})
    try {
      await dropStaleDynamicConfigs(node)
      log.info(
        { nodeId: node.id, keys },
        'deleted the dynamic configs set live for the earlier task (server.properties has the values now)',
      )
      await save()
      return
    } catch (e) {
      log.warn(
        { nodeId: node.id, keys, attempt, err: (e as Error).message },
        'could not delete the dynamic configs of the earlier task yet',
      )
      await new Promise((r) => setTimeout(r, STALE_CONFIG_RETRY_MS))
    }
  }
}
