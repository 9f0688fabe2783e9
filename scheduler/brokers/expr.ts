/** Broker id expressions (`0..2`, `*`, `*[rack=r1]`): their syntax, expansion and rack-interleaved order. */

/**
 * Broker id expressions, as mesos/kafka `Expr.expandBrokers`
 * (`src/scala/main/ly/stealth/mesos/kafka/scheduler/Expr.scala`).
 *
 * Grammar: `<list>[ '[' <attrs> ']' ]` where `<list>` is a comma list of `N`, `A..B` (inclusive;
 * `A>B` yields nothing) or `*` (every existing broker), and `<attrs>` is `k=v,k2=v2,k3` with
 * `v*` a prefix match, `k=v` equality and a bare `k` (or `k=*`) "has the attribute". `hostname`
 * means the task's hostname; other keys are the offer text attributes captured at launch.
 *
 * Examples: `0`, `0,1`, `0..2`, `0,1..2`, `*`, `*[rack=r1]`, `0..4[rack=r1,dc=dc1]`,
 * `*[hostname=slave*]`, `5[]` (keeps id 5 only if broker 5 exists).
 */

import { type KafkaNode, parseMapEntries, ValueError } from '../../contract/index.js'
import { KmError } from '../../errors/index.js'

/** The view of a broker that expressions need: its id and, if it has a task, where that task runs. */
export interface BrokerRef {
  id: number
  task?: { hostname: string; attributes: Record<string, string> } | null
}

/**
 * Thrown for a malformed expression (KM_ERR_EXPR, 400); the message quotes the expression, after the
 * request parameter it came in (`broker: invalid broker expression ...`) when `field` is given.
 */
export class ExprError extends KmError {
  readonly expr: string
  readonly reason: string
  constructor(expr: string, reason: string, field?: string) {
    super('KM_ERR_EXPR', `${field ? `${field}: ` : ''}invalid broker expression "${expr}": ${reason}`, { status: 400 })
    this.expr = expr
    this.reason = reason
  }
}

/** The view of nodes that expressions need: id, and where the task runs. */
export function brokerRefs(nodes: readonly KafkaNode[]): BrokerRef[] {
  return nodes.map((b) => ({
    id: b.id,
    task: b.task ? { hostname: b.task.hostname, attributes: b.task.attributes } : null,
  }))
}

/**
 * {@link expandIds} of a request parameter over the scheduler's brokers.
 * @throws ExprError whose message names the parameter: `<field>: invalid broker expression ...`
 */
export function expandParam(field: string, expr: string, brokers: readonly KafkaNode[]): number[] {
  try {
    return expandIds(expr, brokerRefs(brokers))
  } catch (e) {
    if (e instanceof ExprError) throw new ExprError(e.expr, e.reason, field)
    throw e
  }
}

/**
 * Largest number of ids one expression may produce. mesos/kafka had no limit, so `0..2147483647`
 * would exhaust memory; we refuse instead. Far above any real cluster size.
 */
export const MAX_EXPR_IDS = 100_000

/** Largest id accepted (Kafka `broker.id`/`node.id` is a non-negative Java int). */
export const MAX_BROKER_ID = 2_147_483_647

/** A parsed expression: the ids (ascending, distinct) and the attribute filter, if any. */
interface Parsed {
  ids: number[]
  /** `null` when there is no `[...]` part; otherwise ordered `[key, expected]` pairs (`null` = "has it"). */
  filter: Array<[string, string | null]> | null
}

const INT_RE = /^\d+$/

function parseId(expr: string, s: string): number {
  if (!INT_RE.test(s)) {
    throw new ExprError(expr, s === '' ? 'empty item' : `"${s}" is not a broker id, a range A..B or *`)
  }
  const n = Number(s)
  if (n > MAX_BROKER_ID) throw new ExprError(expr, `id ${s} is greater than ${MAX_BROKER_ID}`)
  return n
}

function parse(expr: string, brokers: readonly BrokerRef[]): Parsed {
  let list = expr.trim()
  let filter: Parsed['filter'] = null

  if (list.endsWith(']')) {
    const open = list.lastIndexOf('[')
    if (open === -1) throw new ExprError(expr, 'missing "["')
    const attrs = list.slice(open + 1, -1)
    try {
      filter = parseMapEntries(attrs, 'broker', { bareKeys: true }).map(([k, v]) => [
        k.trim(),
        v === null ? null : v.trim(),
      ])
    } catch (e) {
      if (e instanceof ValueError) throw new ExprError(expr, `invalid attribute filter "${attrs}"`)
      throw e
    }
    list = list.slice(0, open)
  }

  const ids = new Set<number>()
  for (const raw of list.split(',')) {
    const part = raw.trim()
    if (part === '*') {
      for (const b of brokers) ids.add(b.id)
    } else if (part.includes('..')) {
      const idx = part.indexOf('..')
      const start = parseId(expr, part.slice(0, idx).trim())
      const end = parseId(expr, part.slice(idx + 2).trim())
      if (end >= start && end - start + 1 + ids.size > MAX_EXPR_IDS) {
        throw new ExprError(expr, `more than ${MAX_EXPR_IDS} ids`)
      }
      for (let id = start; id <= end; id++) ids.add(id)
    } else {
      ids.add(parseId(expr, part))
    }
  }
  return { ids: [...ids].sort((a, b) => a - b), filter }
}

/** The value of attribute `name` on a broker's task, or null (no broker, no task, no attribute). */
function attr(broker: BrokerRef | undefined, name: string): string | null {
  const task = broker?.task
  if (!task) return null
  if (name === 'hostname') return task.hostname
  return Object.hasOwn(task.attributes, name) ? task.attributes[name] : null
}

function matches(broker: BrokerRef | undefined, filter: Array<[string, string | null]>): boolean {
  if (!broker) return false
  for (const [key, expected] of filter) {
    const actual = attr(broker, key)
    if (actual === null) return false
    if (expected === null) continue
    if (expected.endsWith('*')) {
      if (!actual.startsWith(expected.slice(0, -1))) return false
    } else if (actual !== expected) {
      return false
    }
  }
  return true
}

function byId(brokers: readonly BrokerRef[]): Map<number, BrokerRef> {
  return new Map(brokers.map((b) => [b.id, b]))
}

/**
 * Expands a broker expression to ids, ascending and de-duplicated, as mesos/kafka `Expr.expandBrokers`.
 * Without a filter, ids that don't exist are kept (so `add 5..7` works); with a filter (even `[]`)
 * only existing brokers that match it remain, and any non-empty filter needs a current task.
 *
 * @param expr the expression, e.g. `0..2`, `*[rack=r1]`.
 * @param brokers the brokers the scheduler currently knows (`*` and filters look at these).
 * @throws ExprError `invalid broker expression "<expr>": <reason>` for `1*`, `""`, `..3`, `a`,
 *   `[x]` (empty list), unbalanced brackets, an invalid filter, or more than {@link MAX_EXPR_IDS} ids.
 */
export function expandIds(expr: string, brokers: readonly BrokerRef[]): number[] {
  const { ids, filter } = parse(expr, brokers)
  if (filter === null) return ids
  const known = byId(brokers)
  return ids.filter((id) => matches(known.get(id), filter))
}

/**
 * Expands `expr` like {@link expandIds}, then orders the ids for replica placement as mesos/kafka
 * (`topic add`, rebalance): the matching brokers are grouped by their values of the filter's
 * attributes, the groups are sorted by those values, and ids are taken round-robin across the
 * groups (ascending within a group). This interleaves racks: brokers with r=2,0,1,1,0,0 and
 * `*[r]` give 1,2,0,4,3,5. Without a filter this is the ascending list.
 *
 * @throws ExprError as {@link expandIds}.
 */
export function interleaveByAttributes(expr: string, brokers: readonly BrokerRef[]): number[] {
  const { filter } = parse(expr, brokers)
  const ids = expandIds(expr, brokers)
  if (filter === null || filter.length === 0) return ids

  const known = byId(brokers)
  const keys = [...new Set(filter.map(([k]) => k))]
  // Group key: the tuple of attribute values, compared element-wise (not a joined string, so
  // values containing separators can't collide).
  const groups = new Map<string, { values: string[]; ids: number[] }>()
  for (const id of ids) {
    const values = keys.map((k) => attr(known.get(id), k) ?? '')
    const key = JSON.stringify(values)
    let g = groups.get(key)
    if (!g) groups.set(key, (g = { values, ids: [] }))
    g.ids.push(id)
  }
  const ordered = [...groups.values()].sort((a, b) => compareTuples(a.values, b.values))

  const out: number[] = []
  for (let round = 0; out.length < ids.length; round++) {
    for (const g of ordered) if (round < g.ids.length) out.push(g.ids[round])
  }
  return out
}

function compareTuples(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1
  }
  return 0
}
