/** Periods (durations) in mesos/kafka's syntax: `500ms`, `60s`, `10m`, `1h`, `30d`, to and from milliseconds. */

import { ValueError } from './value-error.js'

// The syntax is that of mesos/kafka's `Period` class (util-mesos, `net.elodina.mesos.util.Period`,
// shipped in the mesos/kafka repository as `lib/util-mesos-0.1.0.0.jar`).

/** Milliseconds per Period unit (mesos/kafka util-mesos `Period`). */
export const PERIOD_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
export type PeriodUnit = keyof typeof PERIOD_UNITS

const PERIOD_RE = /^(\d+)(ms|s|m|h|d)$/

/**
 * Parses a mesos/kafka Period (`net.elodina.mesos.util.Period`): a non-negative integer followed by a unit `ms|s|m|h|d`
 * (`500ms`, `60s`, `10m`, `1h`, `30d`), or a bare `0`. Surrounding whitespace is ignored.
 *
 * @returns the period in milliseconds (a safe integer).
 * @throws ValueError `<field>: invalid period "<s>", expected a number and a unit ms|s|m|h|d such as 60s`.
 */
export function parsePeriod(s: string, field = 'period'): number {
  const t = s.trim()
  if (t === '0') return 0
  const m = PERIOD_RE.exec(t)
  if (m) {
    const ms = Number(m[1]) * PERIOD_UNITS[m[2] as PeriodUnit]
    if (Number.isSafeInteger(ms)) return ms
    throw new ValueError(field, `period "${s}" is too large`)
  }
  throw new ValueError(field, `invalid period "${s}", expected a number and a unit ms|s|m|h|d such as 60s`)
}

/**
 * Formats milliseconds as a Period using the largest unit that divides it exactly
 * (`600000` -> `10m`, `1500` -> `1500ms`, `0` -> `0s`). `parsePeriod(formatPeriod(x)) === x`.
 *
 * @throws ValueError (field `period`) when `ms` is negative or not a safe integer.
 */
export function formatPeriod(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new ValueError('period', `cannot format ${ms} ms as a period`)
  if (ms === 0) return '0s'
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = PERIOD_UNITS[unit]
    if (ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms}ms`
}
