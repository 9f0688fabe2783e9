/** Role weights on the master: the `--weights` flag, GET_WEIGHTS, UPDATE_WEIGHTS, and recovery from the registry. */

/**
 * As Mesos's `src/master/weights_handler.cpp` and `docs/weights.md`: a role's weight divides its
 * dominant share, so a role weighing 3 gets three times the resources of a role weighing 1. Roles
 * not listed weigh 1. UPDATE_WEIGHTS is all or nothing.
 */

import type { Logger } from 'pino'
import { validateRoleName } from './allocator/index.js'
import { CallError } from './errors.js'

/**
 * The largest weight a role may have. Mesos only asks for a weight above 0 (`docs/weights.md`);
 * a bound keeps a weight such as 1e308 from turning every weighted share into 0 (the DRF sorter
 * divides by it), and a role a million times heavier than another already gets everything first.
 */
export const MAX_WEIGHT = 1_000_000

/**
 * Parses a weights text as Mesos's `--weights` (`docs/configuration/master.md`):
 * `role=weight[,role=weight...]`, weights > 0.
 * @throws Error naming the bad entry
 */
export function parseWeights(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const part of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([^=\s]+)=([0-9]*\.?[0-9]+(?:[eE][-+]?\d+)?)$/.exec(part)
    const w = m ? Number(m[2]) : NaN
    if (!m || !(w > 0) || !(w <= MAX_WEIGHT))
      throw new Error(
        `bad weight '${part}': expected role=weight with a weight above 0 and at most ${MAX_WEIGHT}, such as kafka=3`,
      )
    const problem = validateRoleName(m[1])
    if (problem) throw new Error(`bad weight '${part}': ${problem}`)
    out.set(m[1], w)
  }
  return out
}

/** One role's weight, as GET_WEIGHTS and the registry show it. */
export interface WeightInfo {
  role: string
  weight: number
}

/** What the weights handler needs of the rest of the master. */
export interface WeightsDeps {
  log: Logger
  /** Registry hook (HA): called after UPDATE_WEIGHTS with every weight. */
  onWeightsUpdated?: (weights: WeightInfo[]) => void | Promise<void>
  scheduleAllocation(): void
}

/** The roles' weights: `--weights` first, then UPDATE_WEIGHTS and the registry. */
export class WeightsHandler {
  private readonly weights: Map<string, number>

  constructor(
    initial: ReadonlyMap<string, number> | undefined,
    private readonly deps: WeightsDeps,
  ) {
    this.weights = new Map(initial ?? [])
  }

  /** role → weight, for the allocator and the views (roles not listed weigh 1). */
  get byRole(): ReadonlyMap<string, number> {
    return this.weights
  }

  /** GET_WEIGHTS: every weight set by `--weights` or UPDATE_WEIGHTS, by role name. */
  get(): WeightInfo[] {
    return [...this.weights].map(([role, weight]) => ({ role, weight })).sort((a, b) => a.role.localeCompare(b.role))
  }

  /**
   * UPDATE_WEIGHTS: all or nothing; each weight must be a number above 0 and at most {@link MAX_WEIGHT}, and each role a valid role
   * name. Triggers an allocation run.
   * @throws CallError 400 naming the bad entry
   */
  update(infos: ReadonlyArray<{ role?: string; weight?: number }>): void {
    const next = new Map<string, number>()
    for (const info of infos) {
      const role = info.role
      if (role === undefined)
        throw new CallError(400, "Failed to validate master::Call: 'weight_infos' entry is missing 'role'")
      const problem = validateRoleName(role)
      if (problem) throw new CallError(400, `Failed to validate master::Call: ${problem}`)
      const w = info.weight
      if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0 || w > MAX_WEIGHT)
        throw new CallError(
          400,
          `Failed to validate master::Call: weight of role '${role}' must be a number above 0 and at most ${MAX_WEIGHT}, got ${JSON.stringify(w)}`,
        )
      next.set(role, w)
    }
    for (const [role, w] of next) this.weights.set(role, w)
    this.deps.log.info({ weights: Object.fromEntries(next) }, 'role weights updated')
    void this.deps.onWeightsUpdated?.(this.get())
    this.deps.scheduleAllocation()
  }

  /** Weights read back from the HA registry after an election; they replace `--weights` role by role. */
  recover(weights: ReadonlyArray<WeightInfo>): void {
    for (const { role, weight } of weights)
      if (validateRoleName(role) === undefined && weight > 0 && weight <= MAX_WEIGHT) this.weights.set(role, weight)
    this.deps.log.info({ weights: Object.fromEntries(this.weights) }, 'recovered role weights from the registry')
    this.deps.scheduleAllocation()
  }
}
