/** KRaft voter changes (KIP-853): which may start, and add, replace and remove step by step against a fake Kafka. */

import { type AddressInfo, createServer, type Server } from 'node:net'
import pino from 'pino'
import { afterEach, describe, expect, test } from 'vitest'
import type { KafkaNode } from '../../contract/index.js'
import { newNode } from '../brokers/index.js'
import { type QuorumDescription, type QuorumReplica, Writer } from '../kafka/wire/index.js'
import type { SchedulerState } from '../storage/index.js'
import { refusal } from './change.js'
import { type QuorumChangeContext, QuorumChanger } from './changer.js'

const DIR = 'J8aAPcfLQt2bqs0JT_rckQ'

function controller(id: number, host: string, port: number, running = true): KafkaNode {
  const n = newNode(id, 'controller')
  n.active = true
  n.stickiness.hostname = host
  n.port = { start: port, end: port }
  if (running)
    n.task = {
      id: `t${id}`,
      slaveId: 'a',
      executorId: 'e',
      hostname: host,
      endpoint: `${host}:${port}`,
      attributes: {},
      state: 'running',
    }
  return n
}

const replica = (id: number, leo: number, dir = DIR): QuorumReplica => ({
  replicaId: id,
  directoryId: dir,
  logEndOffset: leo,
  lastFetchTimestamp: -1,
  lastCaughtUpTimestamp: -1,
})
const quorum = (
  leader: number,
  voters: QuorumReplica[],
  observers: QuorumReplica[] = [],
  hw = 100,
): QuorumDescription => ({ leaderId: leader, leaderEpoch: 1, highWatermark: hw, voters, observers, nodes: [] })

function state(controllers: KafkaNode[]): SchedulerState {
  return { kind: 'kafka-mesos-state', version: 1, clusterId: 'MkU3OEVBNTcwNTJENDM2Qg', brokers: [], controllers }
}

describe('which voter changes may start', () => {
  const three = () =>
    state([controller(1_000_000, 'h1', 1), controller(1_000_001, 'h2', 1), controller(1_000_002, 'h3', 1, false)])
  const q3 = quorum(1_000_000, [replica(1_000_000, 100), replica(1_000_001, 100), replica(1_000_002, -1)])

  test('remove: not below a running majority, never the last voter, only known controllers', () => {
    expect(refusal(three(), q3, 'remove', 1_000_001)?.message).toMatch(
      /would leave 2 voters of which 1 run, below a majority \(2\)/,
    )
    expect(refusal(three(), q3, 'remove', 1_000_002)).toBeUndefined() // the stopped one may go
    expect(refusal(three(), q3, 'remove', 7)?.message).toMatch(/controller 7 not found/)
    const one = state([controller(1_000_000, 'h1', 1)])
    expect(refusal(one, quorum(1_000_000, [replica(1_000_000, 1)]), 'remove', 1_000_000)?.message).toMatch(/only voter/)
  })

  test('add/replace: the bigger voter set must be able to commit', () => {
    expect(refusal(three(), q3, 'add')).toBeUndefined() // 2 of 3 run: 3 of 4 after the add
    expect(refusal(three(), q3, 'replace', 1_000_002)).toBeUndefined()
    const s = three()
    s.controllers[1].task = undefined
    expect(refusal(s, q3, 'add')?.status).toBe(503)
  })

  test('static quorums, a missing leader, an unreachable quorum and a change in progress are refused', () => {
    const st = quorum(1_000_000, [replica(1_000_000, 1, 'AAAAAAAAAAAAAAAAAAAAAA')])
    expect(refusal(state([controller(1_000_000, 'h1', 1)]), st, 'add')?.message).toMatch(
      /quorum is static \(kraft.version 0/,
    )
    expect(refusal(three(), quorum(-1, q3.voters), 'add')?.status).toBe(503)
    expect(refusal(three(), 'no node described the KRaft quorum', 'add')?.message).toMatch(/cannot be described/)
    const busy = three()
    busy.quorumChange = {
      op: 'add',
      joining: 1_000_003,
      phase: 'catching-up',
      startedAt: 0,
      updatedAt: 0,
      progress: [],
    }
    expect(refusal(busy, q3, 'remove', 1_000_002)?.status).toBe(409)
    expect(refusal(state([]), q3, 'add')?.message).toMatch(/no KRaft quorum yet/)
  })
})

/** A fake quorum leader: answers every AddRaftVoter/RemoveRaftVoter with `code` and records the API keys. */
async function fakeLeader(code: () => number): Promise<{ port: number; keys: number[]; server: Server }> {
  const keys: number[] = []
  const server = createServer((sock) => {
    sock.once('data', (buf) => {
      keys.push(buf.readInt16BE(4))
      const body = Buffer.concat([
        new Writer().int32(buf.readInt32BE(8)).tags().build(),
        new Writer().int32(0).int16(code()).compactNullableString(null).tags().build(),
      ])
      sock.end(Buffer.concat([new Writer().int32(body.length).build(), body]))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { port: (server.address() as AddressInfo).port, keys, server }
}

describe('a voter change, step by step', () => {
  let server: Server | undefined
  afterEach(() => void server?.close())

  function changer(st: SchedulerState, describe: () => QuorumDescription, stopped: KafkaNode[] = []): QuorumChanger {
    const ctx: QuorumChangeContext = {
      state: st,
      describe: async () => describe(),
      save: async () => {},
      stop: async (n) => {
        n.active = false
        n.task = undefined
        stopped.push(n)
      },
      revive: async () => {},
      waiting: () => 'waiting for an offer',
      controllerResources: { cpus: 0.5, mem: 768, heap: 256 },
      log: pino({ level: 'silent' }),
    }
    return new QuorumChanger(ctx)
  }

  test('add: placed → observer catching up → caught up → AddRaftVoter → voter', async () => {
    const leader = await fakeLeader(() => 0)
    server = leader.server
    const st = state([controller(1_000_000, '127.0.0.1', leader.port)])
    let q = quorum(1_000_000, [replica(1_000_000, 100)])
    const ch = changer(st, () => q)
    const change = await ch.start('add')
    const joining = st.controllers[1]
    expect(joining).toMatchObject({ id: 1_000_001, membership: 'joining', active: true, cpus: 1 })
    await ch.tick()
    expect(change.phase).toBe('placing')
    expect(change.detail).toBe('waiting for an offer')

    joining.stickiness.hostname = '127.0.0.2'
    joining.port = { start: 31001, end: 31001 }
    joining.task = {
      id: 'tj',
      slaveId: 'a',
      executorId: 'e',
      hostname: '127.0.0.2',
      endpoint: '127.0.0.2:31001',
      attributes: {},
      state: 'running',
    }
    await ch.tick()
    expect(change.phase).toBe('catching-up')
    q = quorum(1_000_000, [replica(1_000_000, 100)], [replica(1_000_001, 60, 'XXXXXXXXXXXXXXXXXXXXXw')])
    await ch.tick()
    expect(change.detail).toBe('observer, 40 records behind the leader')
    q = quorum(1_000_000, [replica(1_000_000, 100)], [replica(1_000_001, 100, 'XXXXXXXXXXXXXXXXXXXXXw')])
    await ch.tick()
    expect(change.phase).toBe('adding')
    expect(joining.directoryId).toBe('XXXXXXXXXXXXXXXXXXXXXw')
    await ch.tick()
    expect(leader.keys).toEqual([80])
    expect(change.phase).toBe('done')
    expect(joining.membership).toBeUndefined()
    expect(change.progress.map((p) => p.text).join('\n')).toMatch(/controller 1000001 is a voter/)
  })

  test('add: a refusal Kafka will not change its mind about fails the change and says how to clean up', async () => {
    const leader = await fakeLeader(() => 42) // INVALID_REQUEST
    server = leader.server
    const st = state([controller(1_000_000, '127.0.0.1', leader.port)])
    const ch = changer(st, () => quorum(1_000_000, [replica(1_000_000, 100)], [replica(1_000_001, 100)]))
    const change = await ch.start('add')
    const joining = st.controllers[1]
    Object.assign(joining, {
      stickiness: { periodMs: 1, hostname: '127.0.0.2' },
      port: { start: 5, end: 5 },
      task: {
        id: 'tj',
        slaveId: 'a',
        executorId: 'e',
        hostname: '127.0.0.2',
        endpoint: '127.0.0.2:5',
        attributes: {},
        state: 'running',
      },
    })
    for (let i = 0; i < 3; i++) await ch.tick()
    expect(change.phase).toBe('failed')
    expect(change.error).toMatch(/AddRaftVoter 1000001 .*INVALID_REQUEST/)
    expect(change.progress.at(-1)!.text).toMatch(/drop it with controller remove 1000001/)
  })

  test('replace: new voter first, then RemoveRaftVoter of the old one, which is forgotten', async () => {
    const leader = await fakeLeader(() => 0)
    server = leader.server
    const st = state([
      controller(1_000_000, '127.0.0.1', leader.port),
      controller(1_000_001, 'gone', 2, false),
      controller(1_000_002, 'h3', 3),
    ])
    let q = quorum(1_000_000, [replica(1_000_000, 100), replica(1_000_001, -1), replica(1_000_002, 100)])
    const stopped: KafkaNode[] = []
    const ch = changer(st, () => q, stopped)
    const change = await ch.start('replace', 1_000_001)
    const fresh = st.controllers[3]
    expect(fresh.id).toBe(1_000_003)
    Object.assign(fresh, {
      stickiness: { periodMs: 1, hostname: 'h4' },
      port: { start: 4, end: 4 },
      task: {
        id: 'tf',
        slaveId: 'a',
        executorId: 'e',
        hostname: 'h4',
        endpoint: 'h4:4',
        attributes: {},
        state: 'running',
      },
    })
    q = { ...q, observers: [replica(1_000_003, 100)] }
    for (let i = 0; i < 3; i++) await ch.tick() // placing → catching-up → adding → (AddRaftVoter) removing
    expect(change.phase).toBe('removing')
    q = { ...q, voters: [...q.voters, replica(1_000_003, 100)], observers: [] }
    await ch.tick() // RemoveRaftVoter
    expect(leader.keys).toEqual([80, 81])
    expect(change.phase).toBe('stopping')
    await ch.tick()
    expect(change.phase).toBe('done')
    expect(st.controllers.map((n) => n.id)).toEqual([1_000_000, 1_000_002, 1_000_003])
    expect(stopped.map((n) => n.id)).toEqual([1_000_001])
    // ids are never reused
    expect(st.nextControllerId).toBe(1_000_004)
  })
})
