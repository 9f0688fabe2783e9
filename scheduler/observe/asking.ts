/** Which nodes a `broker log|metrics` request reaches, and whether each one's executor can be asked now. */

import type { KafkaNode } from '../../contract/index.js'
import { type ErrorCode, KmError } from '../../errors/index.js'
import { expandParam } from '../brokers/index.js'
import type { RequestBody, RequestOutcome } from './requests.js'

/** What asking executors needs from the scheduler (framework/kafka-scheduler.ts has it). */
export interface AskContext {
  readonly state: { brokers: KafkaNode[]; controllers: KafkaNode[] }
  /** every node: controllers, then brokers */
  nodes(): KafkaNode[]
  /** sends a request to a node's executor and waits for the reply. @throws Error when it cannot be sent */
  ask(node: KafkaNode, body: RequestBody, timeoutMs: number): Promise<RequestOutcome>
}

/** A `broker log|metrics` request that cannot be carried out: unknown or unaskable nodes, a bad filter. */
export class ObserveRefused extends KmError {
  constructor(message: string, code: ErrorCode = 'KM_ERR_INVALID_PARAM') {
    super(code, message, { status: 400 })
  }
}

/**
 * The nodes an id expression names: brokers by id (`*` = every broker), and controllers by their own ids.
 * @throws ExprError `broker: ...`; ObserveRefused `broker N not found` (KM_ERR_NOT_FOUND)
 */
export function namedNodes(ctx: AskContext, expr: string): KafkaNode[] {
  const ids = expandParam('broker', expr, ctx.state.brokers)
  const all = ctx.nodes()
  const nodes: KafkaNode[] = []
  const missing: number[] = []
  for (const id of ids) {
    const n = all.find((x) => x.id === id)
    if (n) nodes.push(n)
    else missing.push(id)
  }
  if (missing.length > 0) throw new ObserveRefused(`broker ${missing.join(',')} not found`, 'KM_ERR_NOT_FOUND')
  return nodes
}

/** Why a node's executor can't be asked now, or undefined when it can (a task past `pending`). */
export function notAskable(n: KafkaNode): string | undefined {
  if (!n.task)
    return n.active ? `${n.role} ${n.id} is not running (it has no task yet)` : `${n.role} ${n.id} is not active`
  if (n.task.state === 'pending') return `${n.role} ${n.id} is not running yet (its task is pending)`
  return undefined
}
