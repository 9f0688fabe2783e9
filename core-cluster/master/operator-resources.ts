/** The operator's reservations and volumes: RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES on an agent. */

import type { Logger } from 'pino'
import { type Resource, reservationStack } from '../proto/index.js'
import type { AgentRegistry } from './agents.js'
import { CallError } from './errors.js'
import type { Offers } from './offers.js'
import * as ops from './operations.js'
import type { Tasks } from './tasks.js'
import { availableByAgent } from './usage.js'
import { validateResources } from './validation.js'

/** What the operator's resource calls need of the rest of the master. */
export interface OperatorResourcesDeps {
  agents: Pick<AgentRegistry, 'get' | 'values' | 'setTotal'>
  tasks: Pick<Tasks, 'values'>
  offers: Pick<Offers, 'values' | 'rescindAgent'>
  log: Logger
  scheduleAllocation(): void
}

/**
 * Operator RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES (Mesos operator
 * API, `docs/operator-http-api.md`; `docs/reservation.md`, `docs/persistent-volume.md`): the same
 * conversions as the offer operations (./operations.ts), on an agent's resources that no task uses.
 * The agent's outstanding offers are rescinded first (their resources count as free again); each
 * resource acts for the role and principal of its own (innermost) reservation. All or nothing.
 * @throws CallError 400 for invalid resources (./validation.ts), an unknown agent or an operation that does not apply, with the reason
 */
export function operatorResources(
  deps: OperatorResourcesDeps,
  kind: ops.ResourceOperation,
  agentId: string,
  resources: Resource[],
): void {
  const bad = validateResources(resources, kind === 'CREATE' || kind === 'DESTROY' ? 'volumes' : 'resources')
  if (bad) throw new CallError(400, `Failed to validate master::Call: ${bad}`)
  const agent = deps.agents.get(agentId)
  if (!agent) throw new CallError(400, `Failed to validate master::Call: agent '${agentId}' is not registered`)
  deps.offers.rescindAgent(agentId)
  let available = availableByAgent(deps.agents.values(), deps.tasks.values(), deps.offers.values()).get(agentId) ?? []
  let total = agent.total
  for (const r of resources) {
    const top = reservationStack(r).at(-1)
    const ctx = {
      role: top?.role ?? '*',
      principal: kind === 'CREATE' ? (r.disk?.persistence?.principal ?? top?.principal) : top?.principal,
      agentTotal: total,
    }
    const c = ops.convert(kind, ctx, available, [r])
    if ('error' in c) throw new CallError(400, `Failed to validate master::Call: ${c.error}`)
    available = ops.applyConversion(available, c)
    total = ops.applyConversion(total, c)
  }
  deps.log.info(
    { agent: agentId, operation: kind, resources: resources.length },
    'operator changed reservations or volumes',
  )
  deps.agents.setTotal(agent, total)
  deps.scheduleAllocation()
}
