/** The human output of the topic commands: topics, the partitions table and the rebalance lines. */
// mesos/kafka's output (src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala). Functions return text
// without a trailing newline; two spaces per indent level.

import { formatMap, formatProgress } from '../../contract/index.js'
import type { PartitionsResponse, RebalanceResponse, TopicJson } from '../client/index.js'

const pad = (n: number) => '  '.repeat(n)

/** `0:[0,1], 1:[1,2]`: partitions in id order with their replicas (mesos/kafka `partitionsState`). */
export function formatPartitionsState(partitions: Record<string, number[]>): string {
  return Object.keys(partitions)
    .map(Number)
    .sort((a, b) => a - b)
    .map((p) => `${p}:[${partitions[String(p)].join(',')}]`)
    .join(', ')
}

/** One topic: `name:`, `partitions:` and, when set, `options:` lines. */
export function formatTopic(t: TopicJson, indent = 1): string {
  const lines = [`${pad(indent)}name: ${t.name}`, `${pad(indent)}partitions: ${formatPartitionsState(t.partitions)}`]
  if (t.options && Object.keys(t.options).length > 0) lines.push(`${pad(indent)}options: ${formatMap(t.options)}`)
  return lines.join('\n')
}

/**
 * A titled topic list: `no topics`, `topic:` / `topics:` (list), `topic(s) added:`, `updated:`,
 * `deleted:`, then each topic followed by a blank line (names only with `quiet`).
 */
export function formatTopics(
  title: 'list' | 'added' | 'updated' | 'deleted',
  topics: readonly TopicJson[],
  quiet = false,
): string {
  const s = topics.length > 1 ? 's' : ''
  const head = title === 'list' ? (topics.length === 0 ? 'no topics' : `topic${s}:`) : `topic${s} ${title}:`
  const lines = [head]
  for (const t of topics) lines.push(quiet ? `${pad(1)}${t.name}` : `${formatTopic(t)}\n`)
  return lines.join('\n').replace(/\n+$/, '')
}

/**
 * The partitions table (mesos/kafka's `topic partitions`): a header `part | leader | expected | brokers (*not-isr)`, then per
 * topic `topic:` and one row per partition; replicas not in the ISR get `*`, and a row whose ISR ≠
 * replicas starts with `!`. `topic not found` when nothing matched.
 */
export function formatPartitions(res: PartitionsResponse): string {
  const topics = Object.keys(res).sort()
  if (topics.length === 0) return 'topic not found'
  const lines = [`${pad(2)}  part | leader | expected | brokers (*not-isr)`]
  for (const topic of topics) {
    lines.push(`${pad(1)}${topic}:`)
    for (const p of [...res[topic]].sort((a, b) => a.id - b.id)) {
      const isr = new Set(p.isr)
      const brokers = p.replicas.map((b) => (isr.has(b) ? String(b) : `*${b}`))
      const same = isr.size === new Set(p.replicas).size && p.replicas.every((b) => isr.has(b))
      lines.push(
        `${pad(2)}${same ? ' ' : '!'} ${String(p.id).padStart(4)} | ${String(p.leader).padStart(6)} | ${String(p.expectedLeader).padStart(8)} | [${brokers.join(', ')}]`,
      )
    }
  }
  return lines.join('\n')
}

/** `12.3 MB` (10^6 bytes). */
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`

/**
 * mesos/kafka's rebalance line: `<Verb> [is ]<status>[:] <error>` then the state block;
 * `is` before `idle`/`running`. `dry-run` (ours) reads `Rebalance dry-run: N partition move(s),
 * X MB to copy`. When the answer has progress and moves (ours), a last line
 * `progress: 2/4 partitions moved, 6.1 of 12.0 MB copied (51%)`.
 */
export function formatRebalance(verb: 'Rebalance' | 'Realign', res: RebalanceResponse): string {
  if (res.status === 'dry-run') {
    const n = res.moves?.length ?? 0
    const bytes = n > 0 && res.progress ? `, ${mb(res.progress.bytes.total)} to copy` : ''
    return `${verb} dry-run: ${n} partition move${n === 1 ? '' : 's'}${bytes}${n > 0 ? ', nothing changed:' : ' (already in place)'}\n${res.state}`.replace(
      /\n+$/,
      '',
    )
  }
  const is = res.status === 'idle' || res.status === 'running' ? 'is ' : ''
  const colon = res.state === '' && !res.error ? '' : ':'
  const head = `${verb} ${is}${res.status}${colon}${res.error ? ` ${res.error}` : ''}`
  const body = (!res.error && res.state !== '' ? `${head}\n${res.state}` : head).replace(/\n+$/, '')
  return res.progress && (res.moves?.length ?? 0) > 0 ? `${body}\nprogress: ${formatProgress(res.progress)}` : body
}
