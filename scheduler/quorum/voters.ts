/** The KRaft voter set the scheduler runs: which nodes vote, their endpoints, and whether brokers may start. */

import type { KafkaNode } from '../../contract/index.js'
import type { SchedulerState } from '../storage/index.js'

/** Quorum sizes we form: 3 or 5 voters, as Kafka's docs advise (Kafka docs, `docs/operations/kraft.md`, "Controllers"); 1 for tiny clusters. */
export const QUORUM_SIZES = [1, 3, 5] as const

/**
 * The nodes of the KRaft quorum: the controllers the scheduler runs and the combined
 * `broker,controller` brokers (joining controllers included; see {@link voters}).
 */
export function voterNodes(state: Pick<SchedulerState, 'controllers' | 'brokers'>): KafkaNode[] {
  return [...state.controllers, ...state.brokers.filter((b) => b.role === 'broker,controller')]
}

/** `host:port` of a placed controller (its host and port are fixed once the quorum is formed). */
export function controllerEndpoint(node: KafkaNode): string | undefined {
  if (node.role === 'broker,controller')
    return node.stickiness.hostname && node.controllerPort
      ? `${node.stickiness.hostname}:${node.controllerPort}`
      : undefined
  if (!node.stickiness.hostname || !node.port) return undefined
  return `${node.stickiness.hostname}:${node.port.start}`
}

/** The controllers that are (or were formed as) voters: all but those still joining (KIP-853 add in progress). */
export function voters(controllers: readonly KafkaNode[]): KafkaNode[] {
  return controllers.filter((c) => c.membership !== 'joining')
}

/** True once the voter set was fixed (every voter has a host and a port). */
export function quorumPlaced(controllers: readonly KafkaNode[]): boolean {
  const v = voters(controllers)
  return v.length > 0 && v.every((c) => controllerEndpoint(c) !== undefined)
}

/** `controller.quorum.bootstrap.servers` for every node: the voters' endpoints (KIP-853). */
export function bootstrapServers(controllers: readonly KafkaNode[]): string {
  return voters(controllers)
    .map(controllerEndpoint)
    .filter((e): e is string => !!e)
    .join(',')
}

/**
 * Whether brokers may start: the voter set is placed and a majority of controllers runs (a quorum
 * can elect a leader). Returns the reason when not, for `broker list`.
 */
export function brokersWaitFor(all: readonly KafkaNode[]): string | undefined {
  const controllers = voters(all)
  if (controllers.length === 0) return 'waiting for the KRaft controllers to be created'
  const stopped = controllers.filter((c) => !c.active && !c.task)
  if (!quorumPlaced(controllers) && stopped.length > 0)
    return `waiting for the KRaft quorum: voter${stopped.length > 1 ? 's' : ''} ${stopped.map((c) => c.id).join(',')} not started (broker start ${stopped.map((c) => c.id).join(',')})`
  if (!quorumPlaced(controllers))
    return `waiting for the KRaft quorum: ${controllers.length} controllers need offers on ${controllers.length} distinct hosts`
  const running = controllers.filter((c) => c.task?.state === 'running').length
  const majority = Math.floor(controllers.length / 2) + 1
  if (running < majority)
    return `waiting for the KRaft quorum: ${running} of ${controllers.length} controllers running, ${majority} needed`
  return undefined
}

/** `controller.quorum.bootstrap.servers` for brokers once they may start (see {@link brokersWaitFor}), else undefined. */
export function brokerQuorum(voters: readonly KafkaNode[]): string | undefined {
  return brokersWaitFor(voters) ? undefined : bootstrapServers(voters)
}
