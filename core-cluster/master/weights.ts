/** Role weights: the `--weights` flag of the master. */

import { validateRoleName } from './allocator/index.js'

/**
 * Parses a weights text as Mesos's `--weights` (`docs/weights.md`, `docs/configuration/master.md`):
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
    if (!m || !(w > 0) || !Number.isFinite(w))
      throw new Error(`bad weight '${part}': expected role=weight with a weight above 0, such as kafka=3`)
    const problem = validateRoleName(m[1])
    if (problem) throw new Error(`bad weight '${part}': ${problem}`)
    out.set(m[1], w)
  }
  return out
}
