import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { Reader, WireError, Writer } from './codec.js'
import { describeQuorumRequest, parseDescribeQuorum, QuorumError, type QuorumReplica } from './describe-quorum.js'

/** Encodes a DescribeQuorum v1 response body as a Kafka node would (schema: DescribeQuorumResponse.json v1). */
function responseBody(opts: { top?: number; partitionError?: number; leader: number; epoch: number; hw: number; voters: QuorumReplica[]; observers: QuorumReplica[] }): Buffer {
  const replica = (w: Writer, r: QuorumReplica) => {
    const b = Buffer.alloc(24)
    b.writeBigInt64BE(BigInt(r.logEndOffset), 0)
    b.writeBigInt64BE(BigInt(r.lastFetchTimestamp), 8)
    b.writeBigInt64BE(BigInt(r.lastCaughtUpTimestamp), 16)
    w.int32(r.replicaId).raw(b).tags()
  }
  const hw = Buffer.alloc(8)
  hw.writeBigInt64BE(BigInt(opts.hw))
  return new Writer()
    .int16(opts.top ?? 0)
    .compactArray(['__cluster_metadata'], (w, name) => {
      w.compactString(name)
        .compactArray([0], (p) => {
          p.int32(0).int16(opts.partitionError ?? 0).int32(opts.leader).int32(opts.epoch).raw(hw)
          p.compactArray(opts.voters, replica).compactArray(opts.observers, replica).tags()
        })
        .tags()
    })
    .tags()
    .build()
}

const replicaArb = fc.record({
  replicaId: fc.integer({ min: 0, max: 2_000_000 }),
  logEndOffset: fc.integer({ min: -1, max: 2 ** 40 }),
  lastFetchTimestamp: fc.integer({ min: -1, max: 2 ** 45 }),
  lastCaughtUpTimestamp: fc.integer({ min: -1, max: 2 ** 45 }),
})

describe('DescribeQuorum v1 (API key 55)', () => {
  test('the request names __cluster_metadata partition 0 in compact form', () => {
    // 02 = one topic; 13 = 18-char name + 1; 02 = one partition; int32 0; tags...
    expect(describeQuorumRequest().toString('hex')).toBe('0213' + Buffer.from('__cluster_metadata').toString('hex') + '02' + '00000000' + '00' + '00' + '00')
  })

  test.prop([fc.integer({ min: 0, max: 2_000_000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.array(replicaArb, { maxLength: 5 }), fc.array(replicaArb, { maxLength: 5 })])(
    'decodes what a node encodes',
    (leader, epoch, hw, voters, observers) => {
      const q = parseDescribeQuorum(new Reader(responseBody({ leader, epoch, hw, voters, observers })), 'test')
      expect(q).toEqual({ leaderId: leader, leaderEpoch: epoch, highWatermark: hw, voters, observers })
    },
  )

  test('error codes become QuorumError with their names', () => {
    expect(() => parseDescribeQuorum(new Reader(responseBody({ partitionError: 6, leader: -1, epoch: 0, hw: 0, voters: [], observers: [] })), 'c1')).toThrow(/NOT_LEADER_OR_FOLLOWER/)
    expect(() => parseDescribeQuorum(new Reader(responseBody({ top: 35, leader: -1, epoch: 0, hw: 0, voters: [], observers: [] })), 'c1')).toThrow(QuorumError)
  })

  test.prop([fc.integer({ min: 1, max: 60 })])('a truncated body is a WireError, never a wrong answer', (cut) => {
    const body = responseBody({ leader: 1, epoch: 2, hw: 3, voters: [{ replicaId: 1, logEndOffset: 3, lastFetchTimestamp: 4, lastCaughtUpTimestamp: 5 }], observers: [] })
    const short = body.subarray(0, Math.max(0, body.length - cut))
    expect(() => parseDescribeQuorum(new Reader(short), 'x')).toThrow(WireError)
  })
})
