/** ElectLeaders, DescribeLogDirs and AlterPartitionReassignments against bytes of Kafka's own message classes. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { Reader, WireError, Writer } from './codec.js'
import { ElectionType, electLeadersRequest, parseElectLeaders } from './elect-leaders.js'
import { describeLogDirsRequest, parseDescribeLogDirs } from './log-dirs.js'
import { alterPartitionReassignmentsRequest, parseAlterPartitionReassignments } from './reassignments.js'

/** Bytes written by Kafka 4.4.0's own message classes (kafka-clients, `MessageUtil.toByteBufferAccessor`), printed by scripts/kafka/wire-fixtures.jsh. */
const FIXTURE = {
  electRequest: '00020274030000000000000002000000753000', // v2: PREFERRED, t-0 and t-2, 30000 ms
  electResponse:
    '000000000000020274030000000000000000000000020054304c656164657220656c656374696f6e206e6f74206e656564656420666f7220746f70696320706172746974696f6e2e000000',
  reassignRequest: '000075300202740300000001000000000002030000000300000001000000', // v0: cancel t-1 (null replicas), t-2 -> [3,1]
  reassignResponse: '0000000000000002027403000000010055106e6f20726561737369676e6d656e740000000002000000000000',
  logDirsRequest: '0202740300000000000000010000', // v3: t-0, t-1
  logDirsRequestAll: '0000', // v3: null topics = everything
  logDirsResponse:
    '0000000000000200000c2f646174612f6b61666b61020274030000000000000002dfdc1c350000000000000000000000000001000000000000002a00000000000000070100000000',
}

const int32s = fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { maxLength: 5 })
const topicName = fc.stringMatching(/^[a-zA-Z0-9._-]{1,30}$/)

describe('ElectLeaders v2 (API key 43)', () => {
  test('the request is byte for byte what Kafka writes', () => {
    expect(
      electLeadersRequest(ElectionType.PREFERRED, [{ topic: 't', partitions: [0, 2] }], 30_000).toString('hex'),
    ).toBe(FIXTURE.electRequest)
  })

  test("Kafka's response decodes per partition; ELECTION_NOT_NEEDED is named", () => {
    expect(parseElectLeaders(new Reader(Buffer.from(FIXTURE.electResponse, 'hex')))).toEqual([
      { topic: 't', partition: 0, errorCode: 0, error: null, message: null },
      {
        topic: 't',
        partition: 2,
        errorCode: 84,
        error: 'ELECTION_NOT_NEEDED',
        message: 'Leader election not needed for topic partition.',
      },
    ])
  })

  test.prop([
    fc.array(fc.record({ topic: topicName, partitions: int32s }), { maxLength: 4 }),
    fc.constantFrom(0, 1),
    fc.integer({ min: 0, max: 600_000 }),
  ])('a broker decodes what we encode', (topics, type, timeout) => {
    const r = new Reader(electLeadersRequest(type, topics, timeout))
    expect(r.int8()).toBe(type)
    const got = r.compactArray((t) => {
      const x = { topic: t.compactString(), partitions: t.compactArray((p) => p.int32()) }
      t.tags()
      return x
    })
    expect(r.int32()).toBe(timeout)
    r.tags()
    expect(r.remaining).toBe(0)
    expect(got).toEqual(topics)
  })

  test('null partitions (every partition) is a null array', () => {
    expect(electLeadersRequest(ElectionType.PREFERRED, null, 1).toString('hex')).toBe('00' + '00' + '00000001' + '00')
  })

  test('a top-level error is thrown', () => {
    const body = new Writer()
      .int32(0)
      .int16(31)
      .compactArray([], () => undefined)
      .tags()
      .build()
    expect(() => parseElectLeaders(new Reader(body))).toThrow(/CLUSTER_AUTHORIZATION_FAILED/)
  })
})

describe('AlterPartitionReassignments v0 (API key 45)', () => {
  test('the request is byte for byte what Kafka writes; null replicas cancel', () => {
    const got = alterPartitionReassignmentsRequest(
      [
        { topic: 't', partition: 1, replicas: null },
        { topic: 't', partition: 2, replicas: [3, 1] },
      ],
      30_000,
    )
    expect(got.toString('hex')).toBe(FIXTURE.reassignRequest)
  })

  test("Kafka's response decodes per partition", () => {
    expect(parseAlterPartitionReassignments(new Reader(Buffer.from(FIXTURE.reassignResponse, 'hex')))).toEqual([
      { topic: 't', partition: 1, errorCode: 85, error: 'NO_REASSIGNMENT_IN_PROGRESS', message: 'no reassignment' },
      { topic: 't', partition: 2, errorCode: 0, error: null, message: null },
    ])
  })

  test.prop([
    fc.array(
      fc.record({
        topic: topicName,
        partition: fc.integer({ min: 0, max: 1000 }),
        replicas: fc.option(int32s, { nil: null }),
      }),
      { maxLength: 6 },
    ),
  ])('a broker decodes what we encode (grouped by topic)', (changes) => {
    const r = new Reader(alterPartitionReassignmentsRequest(changes, 5000))
    expect(r.int32()).toBe(5000)
    const got: typeof changes = []
    r.compactArray((t) => {
      const topic = t.compactString()
      t.compactArray((p) => {
        const partition = p.int32()
        const n = p.uvarint()
        const replicas = n === 0 ? null : Array.from({ length: n - 1 }, () => p.int32())
        p.tags()
        got.push({ topic, partition, replicas })
      })
      t.tags()
    })
    r.tags()
    expect(r.remaining).toBe(0)
    const order = [...new Set(changes.map((c) => c.topic))]
    expect(got).toEqual(order.flatMap((t) => changes.filter((c) => c.topic === t)))
  })
})

describe('DescribeLogDirs v3 (API key 35)', () => {
  test('the requests are byte for byte what Kafka writes', () => {
    expect(describeLogDirsRequest([{ topic: 't', partitions: [0, 1] }]).toString('hex')).toBe(FIXTURE.logDirsRequest)
    expect(describeLogDirsRequest(null).toString('hex')).toBe(FIXTURE.logDirsRequestAll)
  })

  test("Kafka's response decodes: sizes beyond 32 bits, future logs", () => {
    expect(parseDescribeLogDirs(new Reader(Buffer.from(FIXTURE.logDirsResponse, 'hex')))).toEqual([
      { logDir: '/data/kafka', topic: 't', partition: 0, size: 12345678901, offsetLag: 0, future: false },
      { logDir: '/data/kafka', topic: 't', partition: 1, size: 42, offsetLag: 7, future: true },
    ])
  })

  test.prop([fc.integer({ min: 1, max: 50 })])('a truncated body is a WireError', (cut) => {
    const body = Buffer.from(FIXTURE.logDirsResponse, 'hex')
    expect(() => parseDescribeLogDirs(new Reader(body.subarray(0, Math.max(0, body.length - cut))))).toThrow(WireError)
  })
})
