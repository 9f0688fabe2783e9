/** Inclusive integer ranges in mesos/kafka's syntax: `N` or `A..B`, such as a broker's port range. */

import { ValueError } from './value-error.js'

// The syntax is that of mesos/kafka's `Range` class (util-mesos, `net.elodina.mesos.util.Range`).

/** An inclusive integer range `start..end` with `0 <= start <= end`. A single value has start === end. */
export interface Range {
  start: number
  end: number
}

const RANGE_RE = /^(\d+)(?:\s*\.\.\s*(\d+))?$/

/**
 * Parses a mesos/kafka Range (`net.elodina.mesos.util.Range`): `N` or `A..B` (inclusive), non-negative integers.
 *
 * @throws ValueError `<field>: invalid range "<s>", expected N or A..B such as 31090..31100`,
 *   or `<field>: invalid range "<s>", start A is greater than end B`.
 */
export function parseRange(s: string, field = 'range'): Range {
  const m = RANGE_RE.exec(s.trim())
  if (!m) throw new ValueError(field, `invalid range "${s}", expected N or A..B such as 31090..31100`)
  const start = Number(m[1])
  const end = m[2] === undefined ? start : Number(m[2])
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) {
    throw new ValueError(field, `invalid range "${s}", number too large`)
  }
  if (start > end) throw new ValueError(field, `invalid range "${s}", start ${start} is greater than end ${end}`)
  return { start, end }
}

/** Formats a Range as mesos/kafka does: `N` when start === end, else `A..B`. */
export function formatRange(r: Range): string {
  return r.start === r.end ? String(r.start) : `${r.start}..${r.end}`
}
