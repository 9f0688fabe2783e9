/** Consumer groups over a fake Admin: lag per partition is log end − committed, an active group's reset is refused, a reset commits the chosen offsets. */

import { fc, test } from '@fast-check/vitest'
import { type Admin, AssignerProtocol } from 'kafkajs'
import { describe, expect } from 'vitest'
import { describeGroup, listGroups, resetGroupOffsets } from './groups.js'

interface FakeGroup {
  state: string
  members: Array<{ id: string; assignment: Record<string, number[]> }>
  committed: Record<string, Record<number, number>>
}

/** An Admin answering from tables: topics with their [low, high] per partition, groups; records setOffsets. */
function fakeAdmin(topics: Record<string, Array<[number, number]>>, groups: Record<string, FakeGroup>) {
  const set: Array<{ groupId: string; topic: string; partitions: Array<{ partition: number; offset: string }> }> = []
  const admin = {
    listTopics: async () => Object.keys(topics),
    listGroups: async () => ({ groups: Object.keys(groups).map((groupId) => ({ groupId, protocolType: 'consumer' })) }),
    describeGroups: async (ids: string[]) => ({
      groups: ids.map((id) => {
        const g = groups[id]
        return {
          groupId: id,
          state: g?.state ?? 'Dead',
          protocol: g?.members.length ? 'range' : '',
          protocolType: g ? 'consumer' : '',
          members: (g?.members ?? []).map((m) => ({
            memberId: m.id,
            clientId: 'app',
            clientHost: '/127.0.0.1',
            memberMetadata: Buffer.alloc(0),
            memberAssignment: AssignerProtocol.MemberAssignment.encode({
              version: 0,
              assignment: m.assignment,
              userData: Buffer.alloc(0),
            }),
          })),
        }
      }),
    }),
    fetchOffsets: async ({ groupId }: { groupId: string }) =>
      Object.entries(groups[groupId]?.committed ?? {}).map(([topic, parts]) => ({
        topic,
        partitions: Object.entries(parts).map(([p, o]) => ({
          partition: Number(p),
          offset: String(o),
          metadata: null,
        })),
      })),
    fetchTopicOffsets: async (topic: string) =>
      topics[topic].map(([low, high], partition) => ({
        partition,
        offset: String(high),
        high: String(high),
        low: String(low),
      })),
    fetchTopicOffsetsByTimestamp: async (topic: string, ts: number) =>
      topics[topic].map(([low, high], partition) => ({ partition, offset: String(Math.min(high, low + ts)) })),
    setOffsets: async (o: (typeof set)[number]) => {
      set.push(o)
    },
  }
  return { admin: admin as unknown as Admin, set }
}

describe('group describe and list', () => {
  test.prop([fc.array(fc.tuple(fc.nat(1000), fc.nat(1000), fc.boolean()), { minLength: 1, maxLength: 6 })])(
    'lag of each partition is log end − committed; null where nothing was committed; the group lag is their sum',
    async (parts) => {
      const topics = { t: parts.map(([a, b]) => [0, Math.max(a, b)] as [number, number]) }
      const committed: Record<number, number> = {}
      parts.forEach(([a, b, has], p) => {
        if (has) committed[p] = Math.min(a, b)
      })
      const { admin } = fakeAdmin(topics, {
        g: {
          state: 'Stable',
          members: [{ id: 'm1', assignment: { t: parts.map((_, p) => p) } }],
          committed: { t: committed },
        },
      })
      const d = await describeGroup(admin, 'g')
      expect(d.partitions.map((p) => p.partition)).toEqual(parts.map((_, p) => p))
      for (const [p, [a, b, has]] of parts.entries()) {
        const row = d.partitions[p]
        expect(row.logEnd).toBe(Math.max(a, b))
        expect(row.lag).toBe(has ? Math.max(a, b) - Math.min(a, b) : null)
        expect(row.member).toBe('app/m1')
      }
      const sum = parts.reduce((s, [a, b, has]) => s + (has ? Math.max(a, b) - Math.min(a, b) : 0), 0)
      expect(d.lag).toBe(sum)
      expect((await listGroups(admin))[0]).toEqual({
        group: 'g',
        state: 'Stable',
        protocolType: 'consumer',
        members: 1,
        lag: sum,
      })
    },
  )

  test('an unknown group is KM_ERR_NOT_FOUND (400) naming the fix', async () => {
    const { admin } = fakeAdmin({ t: [[0, 5]] }, {})
    await expect(describeGroup(admin, 'nope')).rejects.toMatchObject({
      code: 'KM_ERR_NOT_FOUND',
      status: 400,
      message: 'group nope not found; see the groups with: group list',
    })
  })
})

describe('group reset-offsets', () => {
  const topics = {
    t: [
      [2, 10],
      [0, 7],
    ] as Array<[number, number]>,
    u: [[0, 3]] as Array<[number, number]>,
  }
  const idle = (): FakeGroup => ({ state: 'Empty', members: [], committed: { t: { 0: 5, 1: 7 } } })

  test('an active group is refused with KM_ERR_GROUP_ACTIVE and nothing is committed', async () => {
    const { admin, set } = fakeAdmin(topics, {
      g: { state: 'Stable', members: [{ id: 'm1', assignment: { t: [0, 1] } }], committed: { t: { 0: 5 } } },
    })
    await expect(resetGroupOffsets(admin, 'g', { kind: 'earliest' }, { dryRun: false })).rejects.toMatchObject({
      code: 'KM_ERR_GROUP_ACTIVE',
      status: 400,
      message: expect.stringContaining('group g is active (state Stable, 1 member): stop its consumers first'),
    })
    expect(set).toEqual([])
  })

  test('earliest, latest and a time commit the log start, the log end, the offset at the time; from is the old offset', async () => {
    const { admin, set } = fakeAdmin(topics, { g: idle() })
    const early = await resetGroupOffsets(admin, 'g', { kind: 'earliest' }, { dryRun: false })
    expect(early.partitions).toEqual([
      { topic: 't', partition: 0, from: 5, to: 2 },
      { topic: 't', partition: 1, from: 7, to: 0 },
    ])
    expect(set.at(-1)).toEqual({
      groupId: 'g',
      topic: 't',
      partitions: [
        { partition: 0, offset: '2' },
        { partition: 1, offset: '0' },
      ],
    })
    expect(
      (await resetGroupOffsets(admin, 'g', { kind: 'latest' }, { dryRun: false })).partitions.map((p) => p.to),
    ).toEqual([10, 7])
    const at = await resetGroupOffsets(admin, 'g', { kind: 'timestamp', ms: 3 }, { dryRun: false, topics: ['u'] })
    expect(at).toEqual({
      group: 'g',
      to: '1970-01-01T00:00:00.003Z',
      dryRun: false,
      partitions: [{ topic: 'u', partition: 0, from: null, to: 3 }],
    })
    expect(set).toHaveLength(3)
  })

  test('dry run commits nothing; a missing topic is KM_ERR_NOT_FOUND; an unknown group too', async () => {
    const { admin, set } = fakeAdmin(topics, { g: idle() })
    expect((await resetGroupOffsets(admin, 'g', { kind: 'latest' }, { dryRun: true })).dryRun).toBe(true)
    expect(set).toEqual([])
    await expect(
      resetGroupOffsets(admin, 'g', { kind: 'latest' }, { dryRun: false, topics: ['zz'] }),
    ).rejects.toMatchObject({
      code: 'KM_ERR_NOT_FOUND',
    })
    await expect(resetGroupOffsets(admin, 'nope', { kind: 'latest' }, { dryRun: false })).rejects.toMatchObject({
      code: 'KM_ERR_NOT_FOUND',
      message: expect.stringContaining('group nope not found'),
    })
  })
})
