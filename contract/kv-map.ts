/** `k=v,k2=v2` maps in mesos/kafka's syntax, with backslash escapes: broker options, log4j options, constraints. */

import { ValueError } from './value-error.js'

// The syntax is that of mesos/kafka's `Util.parseMap` (`src/scala/ly/stealth/mesos/kafka/Util.scala`):
// a backslash escapes `,`, `=` and `\`.

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
 * Parses a mesos/kafka map `k=v,k2=v2` (`Util.parseMap`) into ordered entries. A backslash escapes `,`, `=`
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
 * Parses a mesos/kafka map `k=v,k2=v2` with `\,` `\=` `\\` escapes (`Util.parseMap`). Later duplicates win.
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
