/** The codec's tests: JSON and protobuf round trips, Mesos's JSON rules, content negotiation, resource arithmetic. */
import { describe, expect, test } from 'vitest'
import { KmError } from '../../errors/index.js'
import {
  acceptedContentType,
  CodecError,
  decode,
  encode,
  JSON_TYPE,
  normalize,
  PROTOBUF_TYPE,
  requestContentType,
} from './codec.js'
import { addResources, containsResources, parseResources, ResourceParseError, subtractResources } from './resources.js'
import type { scheduler } from './types.js'

describe('codec: Mesos JSON and protobuf', () => {
  const call: scheduler.Call = {
    type: 'SUBSCRIBE',
    subscribe: { framework_info: { user: 'root', name: 'kafka', failover_timeout: 60, checkpoint: true } },
  }

  test('JSON and protobuf encodings decode to the same snake_case message', () => {
    const viaJson = decode<scheduler.Call>(
      'mesos.v1.scheduler.Call',
      encode('mesos.v1.scheduler.Call', call, JSON_TYPE),
      JSON_TYPE,
    )
    const viaProto = decode<scheduler.Call>(
      'mesos.v1.scheduler.Call',
      encode('mesos.v1.scheduler.Call', call, PROTOBUF_TYPE),
      PROTOBUF_TYPE,
    )
    expect(viaJson).toEqual(viaProto)
    expect(viaJson.subscribe?.framework_info.failover_timeout).toBe(60)
    expect(viaJson.type).toBe('SUBSCRIBE')
  })

  test('treats JSON null as unset, as mesos-framework sends it', () => {
    const c = normalize<scheduler.Call>('mesos.v1.scheduler.Call', {
      type: 'DECLINE',
      framework_id: { value: 'f' },
      decline: { offer_ids: [{ value: 'o' }], filters: null },
      accept: null,
    })
    expect(c.decline?.filters).toBeUndefined()
    expect(c.accept).toBeUndefined()
  })

  test('a missing proto2 required field is an error that names it', () => {
    expect(() =>
      normalize('mesos.v1.scheduler.Call', { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root' } } }),
    ).toThrow(/name/)
  })

  test('bad JSON is a CodecError', () => {
    expect(() => decode('mesos.v1.scheduler.Call', Buffer.from('{nope'), JSON_TYPE)).toThrow(CodecError)
  })

  test('CodecError and ResourceParseError are KmErrors with their stable codes', () => {
    const decodeError = new CodecError('Failed to parse JSON')
    expect(decodeError).toBeInstanceOf(KmError)
    expect([decodeError.code, decodeError.status]).toEqual(['KM_ERR_DECODE', 400])
    expect(() => parseResources('cpus')).toThrow(ResourceParseError)
    expect(new ResourceParseError('x').code).toBe('KM_ERR_RESOURCES')
  })

  test('bytes fields travel as base64 in JSON', () => {
    const uuid = Buffer.alloc(16, 7).toString('base64')
    const c = normalize<scheduler.Call>('mesos.v1.scheduler.Call', {
      type: 'ACKNOWLEDGE',
      acknowledge: { agent_id: { value: 'a' }, task_id: { value: 't' }, uuid },
    })
    expect(c.acknowledge?.uuid).toBe(uuid)
  })

  test('content negotiation follows Mesos: exact Content-Type; Accept absent means JSON', () => {
    expect(requestContentType('application/json')).toBe(JSON_TYPE)
    expect(requestContentType('application/json; charset=utf-8')).toBeUndefined()
    expect(acceptedContentType(undefined)).toBe(JSON_TYPE)
    expect(acceptedContentType('application/x-protobuf')).toBe(PROTOBUF_TYPE)
    expect(acceptedContentType('text/html')).toBeUndefined()
  })
})

describe('resources', () => {
  test('parses the agent --resources syntax', () => {
    const r = parseResources('cpus:2;mem:4096;ports:[31000-31999];cpus(kafka):1')
    expect(r).toHaveLength(4)
    expect(r[2].ranges?.range).toEqual([{ begin: 31000, end: 31999 }])
    expect(r[3].reservation?.role).toBe('kafka')
  })

  test('subtracting a port splits the range; adding it back restores it', () => {
    const have = parseResources('cpus:2;mem:4096;ports:[31000-31999]')
    const take = parseResources('cpus:0.5;mem:768;ports:[31005-31005]')
    const left = subtractResources(have, take)
    expect(containsResources(left, take)).toBe(false)
    expect(left.find((x) => x.name === 'ports')?.ranges?.range).toEqual([
      { begin: 31000, end: 31004 },
      { begin: 31006, end: 31999 },
    ])
    expect(addResources(left, take).find((x) => x.name === 'ports')?.ranges?.range).toEqual([
      { begin: 31000, end: 31999 },
    ])
  })

  test('rejects a malformed entry with its name', () => {
    expect(() => parseResources('cpus:lots')).toThrow(/cpus/)
  })
})
