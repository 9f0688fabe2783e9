/** Consumer groups through the Admin API: list, describe with lag per partition, reset of committed offsets. */

/**
 * Consumer groups, as Kafka's own `kafka-consumer-groups.sh --list | --describe | --reset-offsets`
 * (`tools/src/main/java/org/apache/kafka/tools/consumer/group/ConsumerGroupCommand.java`), through
 * kafkajs 2.2.4's Admin API: ListGroups, DescribeGroups, OffsetFetch, ListOffsets and OffsetCommit.
 *
 * Lag of a partition = its log end offset (the high watermark, what a `read_uncommitted` consumer
 * can reach) − the group's committed offset; `null` when the group committed nothing there (the
 * tool prints `-`). A group's lag is the sum over its partitions.
 */

import { type Admin, AssignerProtocol, type GroupDescription } from 'kafkajs'
import { KmError } from '../../errors/index.js'
import { KafkaRequestError } from './kafka-errors.js'

/** One row of `group list`: members counted, lag summed over the partitions with a committed offset. */
export interface GroupSummary {
  group: string
  /** Kafka's group state: `Empty`, `Stable`, `PreparingRebalance`, `CompletingRebalance`, `Dead` */
  state: string
  /** `consumer` for consumer groups, `connect` for Connect workers, `''` for offsets-only groups */
  protocolType: string
  members: number
  /** messages behind, summed over the partitions the group committed offsets for */
  lag: number
}

/** One partition of a group: offsets are message offsets; `committed`/`lag` null when nothing was committed. */
export interface GroupPartition {
  topic: string
  partition: number
  committed: number | null
  logEnd: number
  lag: number | null
  /** the member the partition is assigned to (`clientId/memberId`), null when unassigned */
  member: string | null
}

/** `group describe`: the group, its members with their assignments, and lag per partition. */
export interface GroupDetail extends Omit<GroupSummary, 'members'> {
  /** the assignor (`range`, `roundrobin`, ...), `''` when the group has no members */
  protocol: string
  members: Array<{ memberId: string; clientId: string; host: string; assignment: Record<string, number[]> }>
  partitions: GroupPartition[]
}

/** Where `reset-offsets` moves a group: the first or the next offset, or the first offset at or after a time (epoch ms). */
export type ResetTarget = { kind: 'earliest' } | { kind: 'latest' } | { kind: 'timestamp'; ms: number }

/** `reset-offsets`'s answer: each partition's committed offset before and after (`from` null: none was committed). */
export interface ResetResult {
  group: string
  to: string
  dryRun: boolean
  partitions: Array<{ topic: string; partition: number; from: number | null; to: number }>
}

/** A group named in a request that Kafka does not know: no members and no committed offsets (KM_ERR_NOT_FOUND, 400). */
export class GroupNotFound extends KmError {
  constructor(group: string) {
    super('KM_ERR_NOT_FOUND', `group ${group} not found; see the groups with: group list`, { status: 400 })
  }
}

/** A reset refused because the group has members: their next commit would overwrite it (KM_ERR_GROUP_ACTIVE, 400). */
export class GroupActive extends KmError {
  constructor(group: string, state: string, members: number) {
    super(
      'KM_ERR_GROUP_ACTIVE',
      `group ${group} is active (state ${state}, ${members} member${members === 1 ? '' : 's'}): stop its consumers first, then reset its offsets (Kafka accepts a reset only for an empty group)`,
      { status: 400 },
    )
  }
}

/** Kafka's state for a group that has no members (and may have committed offsets). */
const IDLE_STATES = new Set(['Empty', 'Dead'])

/** The partitions each member is assigned, decoded from its ConsumerProtocol assignment (`{}` for a non-consumer group). */
function assignmentOf(protocolType: string, buf: Buffer): Record<string, number[]> {
  if (protocolType !== 'consumer' || buf.length === 0) return {}
  try {
    return AssignerProtocol.MemberAssignment.decode(buf)?.assignment ?? {}
  } catch {
    return {}
  }
}

/** A committed offset as a number; null for Kafka's -1 (none). */
function committedOffset(s: string): number | null {
  const n = Number(s)
  return Number.isFinite(n) && n >= 0 ? n : null
}

/** Lag per partition of one group (see the module doc), sorted by topic and partition. */
async function partitionsOf(admin: Admin, d: GroupDescription): Promise<GroupPartition[]> {
  const owner = new Map<string, string>()
  for (const m of d.members)
    for (const [topic, parts] of Object.entries(assignmentOf(d.protocolType, m.memberAssignment)))
      for (const p of parts) owner.set(`${topic}:${p}`, `${m.clientId}/${m.memberId}`)
  const committed = await admin.fetchOffsets({ groupId: d.groupId })
  const topics = new Set([
    ...committed.map((t) => t.topic),
    ...[...owner.keys()].map((k) => k.slice(0, k.lastIndexOf(':'))),
  ])
  const ends = new Map<string, number>()
  await Promise.all(
    [...topics].map(async (topic) => {
      for (const o of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}:${o.partition}`, Number(o.high))
    }),
  )
  const rows = new Map<string, GroupPartition>()
  const row = (topic: string, partition: number, offset: number | null): GroupPartition => {
    const key = `${topic}:${partition}`
    const logEnd = ends.get(key) ?? 0
    return {
      topic,
      partition,
      committed: offset,
      logEnd,
      lag: offset === null ? null : Math.max(0, logEnd - offset),
      member: owner.get(key) ?? null,
    }
  }
  for (const t of committed)
    for (const p of t.partitions)
      rows.set(`${t.topic}:${p.partition}`, row(t.topic, p.partition, committedOffset(p.offset)))
  for (const key of owner.keys()) {
    if (rows.has(key)) continue
    const i = key.lastIndexOf(':')
    rows.set(key, row(key.slice(0, i), Number(key.slice(i + 1)), null))
  }
  // a topic the group committed to but that was deleted since has no log end: leave it out
  return [...rows.values()]
    .filter((r) => ends.has(`${r.topic}:${r.partition}`))
    .sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
}

const sumLag = (parts: readonly GroupPartition[]) => parts.reduce((s, p) => s + (p.lag ?? 0), 0)

/** Describes groups, or throws GroupNotFound for one Kafka does not know. */
async function describe(admin: Admin, groups: string[]): Promise<GroupDescription[]> {
  if (groups.length === 0) return []
  return (await admin.describeGroups(groups)).groups
}

/** `group list`: every group Kafka knows, by name. @throws kafkajs errors when Kafka can't be asked */
export async function listGroups(admin: Admin): Promise<GroupSummary[]> {
  const { groups } = await admin.listGroups()
  const described = await describe(
    admin,
    groups.map((g) => g.groupId),
  )
  const out = await Promise.all(
    described.map(async (d) => ({
      group: d.groupId,
      state: d.state,
      protocolType: d.protocolType,
      members: d.members.length,
      lag: sumLag(await partitionsOf(admin, d)),
    })),
  )
  return out.sort((a, b) => a.group.localeCompare(b.group))
}

/** `group describe <group>`. @throws GroupNotFound; kafkajs errors when Kafka can't be asked */
export async function describeGroup(admin: Admin, group: string): Promise<GroupDetail> {
  const [d] = await describe(admin, [group])
  if (!d) throw new GroupNotFound(group)
  const partitions = await partitionsOf(admin, d)
  if (d.state === 'Dead' || (d.members.length === 0 && partitions.length === 0)) throw new GroupNotFound(group)
  return {
    group,
    state: d.state,
    protocolType: d.protocolType,
    protocol: d.protocol,
    members: d.members.map((m) => ({
      memberId: m.memberId,
      clientId: m.clientId,
      host: m.clientHost,
      assignment: assignmentOf(d.protocolType, m.memberAssignment),
    })),
    partitions,
    lag: sumLag(partitions),
  }
}

/** How a {@link ResetTarget} reads in an answer: `earliest`, `latest` or the ISO time. */
export function formatTarget(t: ResetTarget): string {
  return t.kind === 'timestamp' ? new Date(t.ms).toISOString() : t.kind
}

/**
 * `group reset-offsets <group> --to earliest|latest|<time>`: commits, for every partition of
 * `topics` (default: the topics the group has committed offsets for), the log start offset, the log
 * end offset, or the first offset whose message time is at or after the time (the log end when
 * none is). With `dryRun` nothing is committed.
 * @throws GroupNotFound; GroupActive when the group has members; KafkaRequestError for a topic that
 *   does not exist or a group with no committed offsets and no topics named; kafkajs errors
 */
export async function resetGroupOffsets(
  admin: Admin,
  group: string,
  target: ResetTarget,
  opts: { topics?: string[]; dryRun: boolean },
): Promise<ResetResult> {
  const [d] = await describe(admin, [group])
  if (d && !IDLE_STATES.has(d.state)) throw new GroupActive(group, d.state, d.members.length)
  const committed = await admin.fetchOffsets({ groupId: group })
  const from = new Map<string, number | null>()
  for (const t of committed)
    for (const p of t.partitions) from.set(`${t.topic}:${p.partition}`, committedOffset(p.offset))
  let topics = opts.topics
  if (!topics || topics.length === 0) {
    topics = [...new Set(committed.map((t) => t.topic))].sort()
    if (topics.length === 0)
      throw d && d.state !== 'Dead'
        ? new KafkaRequestError(
            `group ${group} has no committed offsets; name the topics to reset with --topic`,
            'KM_ERR_INVALID_PARAM',
          )
        : new GroupNotFound(group)
  }
  const existing = new Set(await admin.listTopics())
  const missing = topics.filter((t) => !existing.has(t))
  if (missing.length > 0)
    throw new KafkaRequestError(
      `topic ${missing.join(',')} not found; see the topics with: topic list`,
      'KM_ERR_NOT_FOUND',
    )
  const out: ResetResult['partitions'] = []
  for (const topic of topics) {
    const targets =
      target.kind === 'timestamp'
        ? await admin.fetchTopicOffsetsByTimestamp(topic, target.ms)
        : (await admin.fetchTopicOffsets(topic)).map((o) => ({
            partition: o.partition,
            offset: target.kind === 'earliest' ? o.low : o.high,
          }))
    targets.sort((a, b) => a.partition - b.partition)
    if (!opts.dryRun) await admin.setOffsets({ groupId: group, topic, partitions: targets })
    for (const t of targets)
      out.push({
        topic,
        partition: t.partition,
        from: from.get(`${topic}:${t.partition}`) ?? null,
        to: Number(t.offset),
      })
  }
  return { group, to: formatTarget(target), dryRun: opts.dryRun, partitions: out }
}
