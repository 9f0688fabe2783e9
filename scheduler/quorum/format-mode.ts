/** How a node's KRaft storage is formatted when it has none yet: standalone, with the initial voters, or without (KIP-853). */

import { CONTROLLER_BASE_ID, type KafkaNode } from '../../contract/index.js'

/** The `kafka-storage.sh format` flag a node gets (Kafka docs, `docs/operations/kraft.md`, "Provisioning Nodes"). */
export type FormatMode = 'standalone' | 'initial-controllers' | 'no-initial-controllers'

/**
 * How a node's storage is formatted if it has none yet: the voters the quorum was formed with get
 * `--initial-controllers` (or `--standalone` for a quorum formed with one), everything else
 * (brokers, controllers added later, KIP-853) `--no-initial-controllers`.
 * @param initialControllers the stored `--initial-controllers` list of the formed quorum (`id@host:port:dir,...`)
 */
export function formatMode(node: KafkaNode, initialControllers: string | undefined): FormatMode {
  if (node.role === 'broker' || node.membership === 'joining') return 'no-initial-controllers'
  const initial = initialControllers?.split(',')
  if (initial)
    return !initial.some((v) => v.startsWith(`${node.id}@`))
      ? 'no-initial-controllers'
      : initial.length === 1
        ? 'standalone'
        : 'initial-controllers'
  return node.id === CONTROLLER_BASE_ID ? 'standalone' : 'no-initial-controllers' // a state from before initialControllers was kept for 1 voter
}
