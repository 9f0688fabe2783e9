/** The quorum guard: a `broker stop` may not leave running nodes without a KRaft majority. */

import type { KafkaNode } from '../../contract/index.js'

/** Whether a node is a KRaft voter the scheduler runs: a dedicated controller or a combined node. */
function isVoter(n: KafkaNode): boolean {
  return n.role === 'controller' || n.role === 'broker,controller'
}

function running(n: KafkaNode): boolean {
  return n.active && n.task?.state === 'running'
}

/**
 * Checks a `broker stop` against the KRaft quorum (issue 7: combined `broker,controller` nodes are
 * voters that `broker stop` reaches). Refused: a stop that takes the running voters from a majority
 * to less than one while nodes that need the quorum (active nodes not being stopped) stay up: their
 * metadata would freeze. Stopping every active node (a cluster shutdown) is allowed, and so is a stop
 * when the quorum had no running majority anyway.
 * @param nodes every node the scheduler runs (controllers and brokers)
 * @param stopping ids of the nodes to stop
 * @returns why to refuse, naming the nodes and the fix, or undefined
 */
export function quorumStopProblem(nodes: readonly KafkaNode[], stopping: ReadonlySet<number>): string | undefined {
  const voters = nodes.filter(isVoter)
  if (voters.length === 0 || !voters.some((v) => stopping.has(v.id))) return undefined
  const majority = Math.floor(voters.length / 2) + 1
  const before = voters.filter(running).length
  const after = voters.filter((v) => running(v) && !stopping.has(v.id)).length
  const staying = nodes.filter((n) => n.active && !stopping.has(n.id))
  if (before < majority || after >= majority || staying.length === 0) return undefined
  const names = voters
    .filter((v) => stopping.has(v.id))
    .map((v) => v.id)
    .join(',')
  return `stopping ${names} leaves ${after} of ${voters.length} KRaft voters running (a majority is ${majority}) while ${staying.map((n) => n.id).join(',')} keep running without a quorum; stop those too, or stop fewer voters at a time`
}
