/** AddRaftVoter and RemoveRaftVoter (KIP-853): encoding, decoding, refusals over a socket. */

import { type AddressInfo, createServer } from 'node:net'
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { Reader, WireError, Writer } from './codec.js'
import {
  addRaftVoter,
  addRaftVoterRequest,
  parseVoterChangeResponse,
  removeRaftVoterRequest,
  VoterChangeError,
} from './raft-voters.js'

// Golden bytes: the same messages serialized by the pinned kafka-clients-4.4.0.jar
// (AddRaftVoterRequestData / RemoveRaftVoterRequestData / AddRaftVoterResponseData at version 0,
// MessageUtil.toByteBufferAccessor).
const ADD_GOLDEN =
  '174d6b55334f4556424e5463774e544a454e444d32516700007530000f424327c6803dc7cb42dd9baacd094ffadc91020b434f4e54524f4c4c45520a3132372e302e312e3379180000'
const REMOVE_GOLDEN = '00000f424127c6803dc7cb42dd9baacd094ffadc9100'
const RESPONSE_GOLDEN =
  '00000000007e4d54686520766f74657220696420666f72205265706c6963614b65792869643d313030303030332920697320616c72656164792070617274206f662074686520736574206f6620766f7465727300'

describe('AddRaftVoter / RemoveRaftVoter v0 (API keys 80, 81)', () => {
  test('AddRaftVoter encodes exactly as Kafka does', () => {
    const body = addRaftVoterRequest({
      clusterId: 'MkU3OEVBNTcwNTJENDM2Qg',
      timeoutMs: 30000,
      voterId: 1000003,
      voterDirectoryId: 'J8aAPcfLQt2bqs0JT_rckQ',
      listeners: [{ name: 'CONTROLLER', host: '127.0.1.3', port: 31000 }],
    })
    expect(body.toString('hex')).toBe(ADD_GOLDEN)
  })

  test('RemoveRaftVoter encodes exactly as Kafka does (null cluster id)', () => {
    expect(
      removeRaftVoterRequest({
        clusterId: null,
        voterId: 1000001,
        voterDirectoryId: 'J8aAPcfLQt2bqs0JT_rckQ',
      }).toString('hex'),
    ).toBe(REMOVE_GOLDEN)
  })

  test('the response decodes as Kafka wrote it', () => {
    expect(parseVoterChangeResponse(new Reader(Buffer.from(RESPONSE_GOLDEN, 'hex')))).toEqual({
      throttleTimeMs: 0,
      errorCode: 126,
      errorMessage: 'The voter id for ReplicaKey(id=1000003) is already part of the set of voters',
    })
  })

  test('a directory id that is not a Kafka Uuid is refused before sending', () => {
    expect(() => removeRaftVoterRequest({ clusterId: null, voterId: 1, voterDirectoryId: 'not-a-uuid' })).toThrow(
      WireError,
    )
  })

  test.prop([
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.integer({ min: -1, max: 200 }),
    fc.option(fc.string({ maxLength: 300 }), { nil: null }),
  ])('responses round-trip', (throttle, code, message) => {
    const body = new Writer().int32(throttle).int16(code).compactNullableString(message).tags().build()
    expect(parseVoterChangeResponse(new Reader(body))).toEqual({
      throttleTimeMs: throttle,
      errorCode: code,
      errorMessage: message,
    })
  })

  test('a refusal over the wire becomes VoterChangeError naming the Kafka error', async () => {
    // A one-shot fake leader: reads one framed request, answers DUPLICATE_VOTER with the same correlation id.
    const server = createServer((sock) => {
      sock.once('data', (buf) => {
        const correlation = buf.readInt32BE(8)
        const body = Buffer.concat([
          new Writer().int32(correlation).tags().build(),
          Buffer.from(RESPONSE_GOLDEN, 'hex'),
        ])
        sock.end(Buffer.concat([new Writer().int32(body.length).build(), body]))
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as AddressInfo).port
    try {
      const err = await addRaftVoter(
        { host: '127.0.0.1', port },
        {
          clusterId: null,
          timeoutMs: 1000,
          voterId: 1000003,
          voterDirectoryId: 'J8aAPcfLQt2bqs0JT_rckQ',
          listeners: [],
        },
      ).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(VoterChangeError)
      expect((err as VoterChangeError).errorName).toBe('DUPLICATE_VOTER')
      expect((err as Error).message).toMatch(/AddRaftVoter 1000003 at 127\.0\.0\.1:\d+: DUPLICATE_VOTER: The voter id/)
    } finally {
      server.close()
    }
  })
})
