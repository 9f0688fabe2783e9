/**
 * Value syntaxes of mesos/kafka (reference kafka-mesos.md §3.4): Period, Range and `k=v` maps.
 *
 * These are pure string <-> value codecs shared by the scheduler (REST validation, storage) and
 * the CLI (`--options file:...`). Every parser takes the *field name* as its second argument and
 * throws a {@link ValueError} whose message starts with that name, e.g.
 * `timeout: invalid period "5x", expected a number and a unit ms|s|m|h|d such as 60s`.
 */

/** Thrown by every parser in this module. `code` is always `KM_ERR_VALUE`; `field` names the input. */
export class ValueError extends Error {
  readonly code = 'KM_ERR_VALUE'
  readonly field: string
  constructor(field: string, message: string) {
    super(`${field}: ${message}`)
    this.name = 'ValueError'
    this.field = field
  }
}

// ---------------------------------------------------------------------------------------------
// Period

/** Milliseconds per Period unit (mesos/kafka util-mesos `Period`). */
export const PERIOD_UNITS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
export type PeriodUnit = keyof typeof PERIOD_UNITS

const PERIOD_RE = /^(\d+)(ms|s|m|h|d)$/

/**
 * Parses a mesos/kafka Period (§3.4): a non-negative integer followed by a unit `ms|s|m|h|d`
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

// ---------------------------------------------------------------------------------------------
// Range

/** An inclusive integer range `start..end` with `0 <= start <= end`. A single value has start === end. */
export interface Range {
  start: number
  end: number
}

const RANGE_RE = /^(\d+)(?:\s*\.\.\s*(\d+))?$/

/**
 * Parses a mesos/kafka Range (§3.4): `N` or `A..B` (inclusive), non-negative integers.
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

// ---------------------------------------------------------------------------------------------
// Maps

/** Options for {@link parseMapEntries}. */
export interface ParseMapOptions {
  /** Accept entries without `=` (a bare key); their value is `null`. Default false (an error). */
  bareKeys?: boolean
}

/**
 * Splits `s` on every unescaped `sep`, keeping escapes in the pieces (they are resolved later).
 * A backslash escapes the next character; a trailing lone backslash is kept literally.
 */
function splitEscaped(s: string, sep: string): string[] {
  const parts: string[] = []
  let cur = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]
      i++
    } else if (c === sep) {
      parts.push(cur)
      cur = ''
    } else {
      cur += c
    }
  }
  parts.push(cur)
  return parts
}

/** Resolves `\,` `\=` `\\` to the bare character; any other backslash is kept literally (e.g. regexes). */
function unescapeValue(s: string): string {
  let out = ''
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    const n = s[i + 1]
    if (c === '\\' && (n === ',' || n === '=' || n === '\\')) {
      out += n
      i++
    } else {
      out += c
    }
  }
  return out
}

/**
 * Parses a mesos/kafka map `k=v,k2=v2` (§3.4) into ordered entries. A backslash escapes `,`, `=`
 * and `\` in keys and values; a backslash before any other character stays literal. Empty entries
 * (`a=1,,b=2`, a trailing comma) are skipped; a value may be empty (`k=`); the first unescaped `=`
 * splits key from value. Keys and values are not trimmed.
 *
 * @returns `[key, value]` pairs in input order; value `null` only for a bare key with `bareKeys`.
 * @throws ValueError `<field>: invalid map entry "<e>" in "<s>", expected k=v` or `... empty key ...`.
 */
export function parseMapEntries(s: string, field = 'map', opts: ParseMapOptions = {}): Array<[string, string | null]> {
  const entries: Array<[string, string | null]> = []
  if (s === '') return entries
  for (const raw of splitEscaped(s, ',')) {
    if (raw === '') continue
    const kv = splitEscaped(raw, '=')
    const key = unescapeValue(kv[0])
    if (key === '') throw new ValueError(field, `invalid map entry "${raw}" in "${s}", empty key`)
    if (kv.length === 1) {
      if (!opts.bareKeys) throw new ValueError(field, `invalid map entry "${raw}" in "${s}", expected k=v`)
      entries.push([key, null])
    } else {
      // Everything after the first unescaped '=' is the value, including further '='.
      const rawValue = raw.slice(kv[0].length + 1)
      entries.push([key, unescapeValue(rawValue)])
    }
  }
  return entries
}

/**
 * Parses a mesos/kafka map `k=v,k2=v2` with `\,` `\=` `\\` escapes (§3.4). Later duplicates win.
 * `parseMap("")` is `{}`. See {@link parseMapEntries} for details.
 *
 * @throws ValueError naming `field` when an entry has no `=` or an empty key.
 */
export function parseMap(s: string, field = 'map'): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>
  for (const [k, v] of parseMapEntries(s, field)) out[k] = v ?? ''
  return { ...out }
}

function escapeMapPart(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`)
}

/**
 * Formats a record as a mesos/kafka map `k=v,k2=v2`, escaping `\`, `,` and `=` with a backslash,
 * in the record's key order. `parseMap(formatMap(r))` equals `r` for every record with non-empty keys.
 *
 * @throws ValueError (field `map`) for an empty key.
 */
export function formatMap(record: Readonly<Record<string, string>>): string {
  return Object.entries(record)
    .map(([k, v]) => {
      if (k === '') throw new ValueError('map', 'cannot format an empty key')
      return `${escapeMapPart(k)}=${escapeMapPart(v)}`
    })
    .join(',')
}
