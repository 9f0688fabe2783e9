/** DescribeClientQuotas and AlterClientQuotas (KIP-546): encoding, decoding, refusals. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  alterClientQuotasRequest,
  describeClientQuotasRequest,
  type EntityPart,
  parseAlterClientQuotas,
  parseDescribeClientQuotas,
  type QuotaEntry,
} from './client-quotas.js'
import { Reader, WireError, Writer } from './codec.js'
import { KafkaWireError } from './errors.js'

/**
 * Fixtures: the bytes Kafka 4.4.0's own generated message classes write (kafka-clients
 * `DescribeClientQuotasRequestData` etc. through `MessageUtil.toByteBufferAccessor`, v1), printed by
 * scripts/kafka/wire-fixtures.jsh.
 */
const FIXTURE = {
  describeRequest: '030a636c69656e742d696400046170700005757365720200000100',
  describeResponse:
    '0000000000000003020a636c69656e742d69640461707000031370726f64756365725f627974655f7261746541300000000000000013726571756573745f70657263656e746167654029000000000000000002057573657200000213636f6e73756d65725f627974655f7261746540a0000000000000000000',
  alterRequest:
    '02020a636c69656e742d69640461707000031370726f64756365725f627974655f726174654090000000000000000013636f6e73756d65725f627974655f7261746500000000000000000100000000',
  alterResponse:
    '0000000002002a1b556e7265636f676e697a65642071756f7461206b657920666f6f020a636c69656e742d696404617070000000',
}

/** Encodes a DescribeClientQuotas v1 response as a broker does (DescribeClientQuotasResponse.json). */
function describeResponse(entries: QuotaEntry[], error = 0, message: string | null = null): Buffer {
  return new Writer()
    .int32(0)
    .int16(error)
    .compactNullableString(message)
    .compactArray(entries, (w, e) => {
      w.compactArray(e.entity, (we, p) => {
        we.compactString(p.type).compactNullableString(p.name).tags()
      })
        .compactArray(Object.entries(e.values), (wv, [k, v]) => {
          wv.compactString(k).float64(v).tags()
        })
        .tags()
    })
    .tags()
    .build()
}

/** Decodes an AlterClientQuotas v1 request as a broker does (AlterClientQuotasRequest.json). */
function decodeAlterRequest(buf: Buffer) {
  const r = new Reader(buf)
  const entries = r.compactArray((e) => {
    const entity = e.compactArray((p) => {
      const part = { type: p.compactString(), name: p.compactNullableString() }
      p.tags()
      return part
    })
    const ops = e.compactArray((o) => {
      const op = { key: o.compactString(), value: o.float64(), remove: o.bool() }
      o.tags()
      return op
    })
    e.tags()
    return { entity, ops }
  })
  const validateOnly = r.bool()
  r.tags()
  expect(r.remaining).toBe(0)
  return { entries, validateOnly }
}

const name = fc.string({ maxLength: 20 })
const part: fc.Arbitrary<EntityPart> = fc.record({
  type: fc.constantFrom('client-id', 'user', 'ip'),
  name: fc.option(name, { nil: null }),
})
const values = fc.dictionary(
  fc.constantFrom('producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

describe('DescribeClientQuotas v1 (API key 48)', () => {
  test('the request is byte for byte what Kafka writes', () => {
    const got = describeClientQuotasRequest(
      [
        { type: 'client-id', match: { kind: 'exact', name: 'app' } },
        { type: 'user', match: { kind: 'any' } },
      ],
      true,
    )
    expect(got.toString('hex')).toBe(FIXTURE.describeRequest)
  })

  test("Kafka's response decodes: named and default entities, double values", () => {
    expect(parseDescribeClientQuotas(new Reader(Buffer.from(FIXTURE.describeResponse, 'hex')))).toEqual([
      {
        entity: [{ type: 'client-id', name: 'app' }],
        values: { producer_byte_rate: 1048576, request_percentage: 12.5 },
      },
      { entity: [{ type: 'user', name: null }], values: { consumer_byte_rate: 2048 } },
    ])
  })

  test.prop([
    fc.array(fc.record({ entity: fc.array(part, { minLength: 1, maxLength: 2 }), values }), { maxLength: 6 }),
  ])('decodes what a broker encodes', (entries) => {
    expect(parseDescribeClientQuotas(new Reader(describeResponse(entries)))).toEqual(entries)
  })

  test("an error code becomes KafkaWireError with Kafka's message", () => {
    expect(() => parseDescribeClientQuotas(new Reader(describeResponse([], 42, 'Invalid entity type x')))).toThrow(
      new KafkaWireError(42, 'Invalid entity type x', 'DescribeClientQuotas'),
    )
    expect(() => parseDescribeClientQuotas(new Reader(describeResponse([], 42, 'Invalid entity type x')))).toThrow(
      /INVALID_REQUEST: Invalid entity type x/,
    )
  })

  test.prop([fc.integer({ min: 1, max: 40 })])('a truncated body is a WireError, never a wrong answer', (cut) => {
    const body = Buffer.from(FIXTURE.describeResponse, 'hex')
    expect(() => parseDescribeClientQuotas(new Reader(body.subarray(0, Math.max(0, body.length - cut))))).toThrow(
      WireError,
    )
  })
})

describe('AlterClientQuotas v1 (API key 49)', () => {
  test('the request is byte for byte what Kafka writes; a removal is value 0 with remove = true', () => {
    const got = alterClientQuotasRequest(
      [
        {
          entity: [{ type: 'client-id', name: 'app' }],
          ops: [
            { key: 'producer_byte_rate', value: 1024 },
            { key: 'consumer_byte_rate', value: null },
          ],
        },
      ],
      false,
    )
    expect(got.toString('hex')).toBe(FIXTURE.alterRequest)
  })

  test.prop([
    fc.array(
      fc.record({
        entity: fc.array(part, { minLength: 1, maxLength: 2 }),
        ops: fc.array(fc.record({ key: name, value: fc.option(fc.double({ noNaN: true }), { nil: null }) }), {
          maxLength: 4,
        }),
      }),
      { maxLength: 4 },
    ),
    fc.boolean(),
  ])('a broker decodes what we encode', (entries, validateOnly) => {
    const got = decodeAlterRequest(alterClientQuotasRequest(entries, validateOnly))
    expect(got.validateOnly).toBe(validateOnly)
    expect(got.entries).toEqual(
      entries.map((e) => ({
        entity: e.entity,
        ops: e.ops.map((o) => ({ key: o.key, value: o.value ?? 0, remove: o.value === null })),
      })),
    )
  })

  test("Kafka's per-entity refusal becomes KafkaWireError with its message", () => {
    expect(() => parseAlterClientQuotas(new Reader(Buffer.from(FIXTURE.alterResponse, 'hex')))).toThrow(
      /^AlterClientQuotas: INVALID_REQUEST: Unrecognized quota key foo$/,
    )
  })
})
