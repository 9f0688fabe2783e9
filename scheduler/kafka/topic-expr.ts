/** Topic expressions (`a,b`, `logs-*`, `*`): their syntax, Kafka's topic-name rule, and their expansion. */

import { KmError } from '../../errors/index.js'

/**
 * Topic expressions, as mesos/kafka `Expr.expandTopics` (`src/scala/main/ly/stealth/mesos/kafka/scheduler/Expr.scala`): a comma list
 * of names; `p*` is every existing topic whose name starts with `p`; `*` alone is every existing
 * topic. Plain names pass through even when the topic does not exist (so `topic add a,b` works).
 *
 * One difference: wildcards skip Kafka's internal topics (names starting with `__`, such as
 * `__consumer_offsets`) unless the prefix itself starts with `__`, so `topic rebalance "*"` doesn't
 * move the 50 partitions of the offsets topic. mesos/kafka read ZooKeeper, where those topics were
 * just as visible; name them explicitly (`__consumer_offsets` or `__*`) to include them.
 */

/** A malformed topic expression; the message quotes it. `code` is `KM_ERR_TOPIC_EXPR`. */
export class TopicExprError extends KmError {
  constructor(expr: string, reason: string) {
    super('KM_ERR_TOPIC_EXPR', `invalid topic expression "${expr}": ${reason}`, { status: 400 })
  }
}

/** Kafka's legal topic name: 1..249 of `[a-zA-Z0-9._-]` and not `.` or `..` (Kafka `Topic.validate`). */
const NAME_RE = /^[a-zA-Z0-9._-]{1,249}$/

/** Why `name` is not a legal Kafka topic name, or null when it is. */
export function topicNameProblem(name: string): string | null {
  if (name === '.' || name === '..') return `"${name}" is not allowed as a topic name`
  if (name.length > 249) return `"${name.slice(0, 20)}..." is longer than 249 characters`
  if (!NAME_RE.test(name)) return `"${name}" may contain only letters, digits, ".", "_" and "-"`
  return null
}

/**
 * Expands a topic expression against the existing topics.
 *
 * @param expr e.g. `t`, `a,b`, `logs-*`, `*`
 * @param existing names of the topics that exist now
 * @returns names, de-duplicated and sorted
 * @throws TopicExprError for an empty expression or item, a `*` anywhere but at the end of an item,
 *   or an illegal topic name
 */
export function expandTopics(expr: string, existing: readonly string[]): string[] {
  const items = expr.split(',').map((s) => s.trim())
  if (expr.trim() === '') throw new TopicExprError(expr, 'empty; give names such as a,b, a prefix such as logs-* or *')
  const out = new Set<string>()
  for (const item of items) {
    if (item === '') throw new TopicExprError(expr, 'empty item')
    const star = item.indexOf('*')
    if (star === -1) {
      const problem = topicNameProblem(item)
      if (problem) throw new TopicExprError(expr, problem)
      out.add(item)
      continue
    }
    if (star !== item.length - 1) throw new TopicExprError(expr, `"${item}": * may only end a name (a prefix wildcard)`)
    const prefix = item.slice(0, -1)
    if (prefix !== '' && !/^[a-zA-Z0-9._-]*$/.test(prefix))
      throw new TopicExprError(expr, `"${item}": the prefix may contain only letters, digits, ".", "_" and "-"`)
    for (const name of existing) {
      if (!name.startsWith(prefix)) continue
      if (name.startsWith('__') && !prefix.startsWith('__')) continue
      out.add(name)
    }
  }
  return [...out].sort()
}
