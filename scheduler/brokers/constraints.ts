/** Placement constraints (`rack=unique`, `hostname=like:...`): their syntax and their evaluation against the other brokers. */

/**
 * Placement constraints, as mesos/kafka's `Constraint` (its README, "Navigating the CLI": constraint
 * examples; evaluated in `Broker.matches`, `src/scala/main/ly/stealth/mesos/kafka/Broker.scala`).
 *
 * Syntax: `attr=<constraint>[,attr2=<constraint>]` (a mesos/kafka map, contract/kv-map.ts: `\,` `\=` `\\`
 * escapes), where `attr` is `hostname` or any text attribute of an offer (`rack`, `dc`, ...) and
 * `<constraint>` is one of
 *
 * | constraint              | the offer's value of `attr` matches when ("others" = the values of `attr` on the other brokers that have a task) |
 * |-------------------------|------------------------------------------------------------------------------------------------|
 * | `like:<regex>`          | it fully matches the regex (anchored `^…$`)                                                    |
 * | `unlike:<regex>`        | it does not fully match the regex                                                              |
 * | `unique`                | it is not among the others                                                                     |
 * | `cluster`               | there are no others, or it equals the first other value                                        |
 * | `cluster:<v>`           | it equals `v`                                                                                  |
 * | `groupBy` / `groupBy:N` | with fewer than N (default 1) distinct other values it must be a new one; else its count among the others must be the smallest count (fill the least-loaded group) |
 *
 * An offer that lacks `attr` never matches ("no <attr>"). A constraint failure is a "never match"
 * for offer declines (matching.ts). Regexes are JavaScript regexes (mesos/kafka used Java's).
 */

import { parseMapEntries, ValueError } from '../../contract/index.js'

/** One parsed constraint. */
export type Constraint =
  | { kind: 'like'; regex: string }
  | { kind: 'unlike'; regex: string }
  | { kind: 'unique' }
  | { kind: 'cluster'; value?: string }
  | { kind: 'groupBy'; groups: number }

/** Constraints of a broker, attribute name → constraint, in input order. */
export type Constraints = Record<string, Constraint>

/** Where a task runs, as constraints read it: its hostname and the offer's text attributes. */
export interface Placement {
  hostname: string
  attributes: Record<string, string>
}

const SYNTAX = 'like:<regex>, unlike:<regex>, unique, cluster, cluster:<value>, groupBy or groupBy:<N>'

function anchored(regex: string, field: string): RegExp {
  try {
    return new RegExp(`^(?:${regex})$`)
  } catch (e) {
    throw new ValueError(
      field,
      `invalid regex "${regex}": ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`,
    )
  }
}

/**
 * Parses one constraint such as `like:slave.*`, `unique`, `cluster:r1`, `groupBy:3`.
 * @throws ValueError `<field>: ...` for an unknown keyword, an invalid regex, or a bad group count.
 */
export function parseConstraint(s: string, field = 'constraints'): Constraint {
  const colon = s.indexOf(':')
  const word = colon < 0 ? s : s.slice(0, colon)
  const arg = colon < 0 ? undefined : s.slice(colon + 1)
  switch (word) {
    case 'like':
    case 'unlike':
      if (arg === undefined || arg === '') throw new ValueError(field, `"${s}" needs a regex, such as ${word}:slave.*`)
      anchored(arg, field)
      return { kind: word, regex: arg }
    case 'unique':
      if (arg !== undefined) throw new ValueError(field, `"${s}": unique takes no value`)
      return { kind: 'unique' }
    case 'cluster':
      if (arg === '') throw new ValueError(field, `"${s}": give a value after "cluster:" or use plain "cluster"`)
      return arg === undefined ? { kind: 'cluster' } : { kind: 'cluster', value: arg }
    case 'groupBy': {
      if (arg === undefined) return { kind: 'groupBy', groups: 1 }
      const n = Number(arg)
      if (!/^\d+$/.test(arg) || !Number.isSafeInteger(n) || n < 1)
        throw new ValueError(field, `"${s}": the group count must be a whole number of at least 1, such as groupBy:3`)
      return { kind: 'groupBy', groups: n }
    }
    default:
      throw new ValueError(field, `unsupported constraint "${s}", expected ${SYNTAX}`)
  }
}

/** Formats one constraint; `parseConstraint(formatConstraint(c))` equals `c`. */
export function formatConstraint(c: Constraint): string {
  switch (c.kind) {
    case 'like':
    case 'unlike':
      return `${c.kind}:${c.regex}`
    case 'unique':
      return 'unique'
    case 'cluster':
      return c.value === undefined ? 'cluster' : `cluster:${c.value}`
    case 'groupBy':
      return c.groups === 1 ? 'groupBy' : `groupBy:${c.groups}`
  }
}

/**
 * Parses `attr=<constraint>,...`, e.g. `rack=unique,hostname=like:slave.*`. `""` is `{}`.
 * @throws ValueError `constraints: ...` (or `<field>: ...`) naming the bad entry.
 */
export function parseConstraints(s: string, field = 'constraints'): Constraints {
  const out: Constraints = {}
  for (const [attr, value] of parseMapEntries(s, field)) {
    if (Object.hasOwn(out, attr))
      throw new ValueError(field, `attribute "${attr}" has two constraints in "${s}"; give one per attribute`)
    out[attr] = parseConstraint(value ?? '', field)
  }
  return out
}

/** Map escapes (contract/kv-map.ts) that keep regex escapes such as `\.` readable: a backslash is doubled only where parsing would take it as an escape. */
const esc = (s: string) => s.replace(/\\(?=[\\,=]|$)/g, '\\\\').replace(/[,=]/g, (c) => `\\${c}`)

/** Formats constraints as `attr=<constraint>,...` with map escapes; the inverse of {@link parseConstraints}. */
export function formatConstraints(cs: Constraints): string {
  return Object.entries(cs)
    .map(([attr, c]) => `${esc(attr)}=${esc(formatConstraint(c))}`)
    .join(',')
}

/**
 * Whether `value` satisfies `c` given the others' values (the table above). `others` is in broker id order
 * (`cluster` compares with the first).
 */
export function constraintMatches(c: Constraint, value: string, others: readonly string[]): boolean {
  switch (c.kind) {
    case 'like':
      return anchored(c.regex, 'constraints').test(value)
    case 'unlike':
      return !anchored(c.regex, 'constraints').test(value)
    case 'unique':
      return !others.includes(value)
    case 'cluster':
      if (c.value !== undefined) return value === c.value
      return others.length === 0 || others[0] === value
    case 'groupBy': {
      const counts = new Map<string, number>()
      for (const o of others) counts.set(o, (counts.get(o) ?? 0) + 1)
      if (counts.size < c.groups) return !counts.has(value)
      const min = Math.min(...counts.values())
      return (counts.get(value) ?? 0) === min
    }
  }
}

/** The value of `attr` at a placement: the hostname for `hostname`, else the text attribute. */
export function placementValue(p: Placement, attr: string): string | undefined {
  if (attr === 'hostname') return p.hostname
  return Object.hasOwn(p.attributes, attr) ? p.attributes[attr] : undefined
}

/**
 * Checks every constraint against an offer's placement, given where the other brokers' tasks run.
 * Others that lack the attribute are not counted.
 *
 * @returns undefined when all hold, else the first failure such as `rack=unique: r1 is taken (others: r1,r2)`
 *   or `no rack attribute`.
 */
export function checkConstraints(cs: Constraints, offer: Placement, others: readonly Placement[]): string | undefined {
  for (const [attr, c] of Object.entries(cs)) {
    const value = placementValue(offer, attr)
    if (value === undefined) return `no ${attr} attribute in the offer (constraint ${attr}=${formatConstraint(c)})`
    const values = others.map((o) => placementValue(o, attr)).filter((v): v is string => v !== undefined)
    if (!constraintMatches(c, value, values)) {
      const seen = values.length > 0 ? ` (others: ${values.join(',')})` : ''
      return `${attr}=${formatConstraint(c)}: ${attr} ${value} does not match${seen}`
    }
  }
  return undefined
}
