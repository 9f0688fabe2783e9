/** The human output of the `group *` commands: the groups table, a group's lag per partition, a reset's moves. */

import Table from 'cli-table3'
import type { GroupResponse, GroupsResponse, ResetOffsetsResponse } from '../client/index.js'

const table = (head: string[]) =>
  new Table({
    head,
    style: { head: [], border: [] },
    colAligns: head.map((h) => (/^(lag|members|partition|committed|log end|from|to)$/.test(h) ? 'right' : 'left')),
  })

const dash = (n: number | null) => (n === null ? '-' : String(n))

/** `group list`: `group | state | members | lag`, or `no consumer groups`. */
export function formatGroups(res: GroupsResponse): string {
  if (res.groups.length === 0) return 'no consumer groups'
  const t = table(['group', 'state', 'members', 'lag'])
  for (const g of res.groups) t.push([g.group, g.state, String(g.members), String(g.lag)])
  return t.toString()
}

/**
 * `group describe`: a head line `group g: state Stable, 2 members, protocol range, lag 40`, then
 * `topic | partition | committed | log end | lag | member` (`-` where nothing was committed or no
 * member holds the partition).
 */
export function formatGroup(g: GroupResponse): string {
  const n = g.members.length
  const head = `group ${g.group}: state ${g.state}, ${n} member${n === 1 ? '' : 's'}${g.protocol ? `, protocol ${g.protocol}` : ''}, lag ${g.lag}`
  if (g.partitions.length === 0) return `${head}\n  no committed offsets and no assigned partitions`
  const t = table(['topic', 'partition', 'committed', 'log end', 'lag', 'member'])
  for (const p of g.partitions)
    t.push([p.topic, String(p.partition), dash(p.committed), String(p.logEnd), dash(p.lag), p.member ?? '-'])
  return `${head}\n${t.toString()}`
}

/** `group reset-offsets`: `offsets of group g reset to earliest:` (or `would be reset` with --dry-run), then `topic | partition | from | to`. */
export function formatReset(r: ResetOffsetsResponse): string {
  const head = `offsets of group ${r.group} ${r.dryRun ? 'would be reset (dry run, nothing committed)' : 'reset'} to ${r.to}:`
  const t = table(['topic', 'partition', 'from', 'to'])
  for (const p of r.partitions) t.push([p.topic, String(p.partition), dash(p.from), String(p.to)])
  return `${head}\n${t.toString()}`
}
