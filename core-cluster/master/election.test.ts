/**
 * Leader election on a real etcd (Debian etcd-server): every master's view of the leader is the
 * master that actually won, also when all candidates appear at once, and after the leader resigns.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startEtcd, type EtcdProcess } from '../../cli/daemon/etcd-process.js'
import { MasterElection } from './election.js'

const log = pino({ level: 'silent' })
let dir: string
let etcd: EtcdProcess

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'km-election-'))
  etcd = await startEtcd(join(dir, 'data'), join(dir, 'etcd.log'))
}, 30_000)

afterAll(async () => {
  await etcd?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function until<T>(what: string, timeoutMs: number, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = probe()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** Waits until exactly one of `masters` is elected and every one of them names it as the leader. */
async function agreedLeader(masters: MasterElection[]): Promise<MasterElection> {
  return until('one elected master that all others name', 10_000, () => {
    const elected = masters.filter((m) => m.isLeader)
    if (elected.length !== 1) return undefined
    const address = elected[0]!.leader
    return masters.every((m) => m.leader === address) ? elected[0] : undefined
  })
}

describe('MasterElection on etcd', () => {
  test('candidates that start together agree on the one that won; a resignation moves everyone to the next', async () => {
    for (let round = 0; round < 5; round++) {
      const masters = [1, 2, 3].map((i) => new MasterElection(etcd.url, `127.0.0.${i}:${5050 + round}`, log))
      const lost: string[] = []
      await Promise.all(masters.map((m) => m.start(() => undefined, (why) => lost.push(why))))
      const first = await agreedLeader(masters)
      await first.stop()
      const rest = masters.filter((m) => m !== first)
      const second = await agreedLeader(rest)
      expect(second.leader).not.toBe(first.leader)
      await Promise.all(rest.map((m) => m.stop()))
      expect(lost).toEqual([])
    }
  }, 90_000)
})
