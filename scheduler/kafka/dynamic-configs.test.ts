/** Which options go live on a running broker, and the IncrementalAlterConfigs wire format. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { DYNAMIC_BROKER_CONFIGS, isDynamicBrokerConfig, planOptionsChange } from './dynamic-configs.js'
import { Reader, Writer } from './wire/codec.js'
import {
  AlterConfigsError,
  incrementalAlterConfigsRequest,
  parseIncrementalAlterConfigs,
} from './wire/incremental-alter-configs.js'

describe('which options Kafka 4.4.0 changes on a running broker', () => {
  test('thread pools, cleaner, retention in ms and throttles are live; listeners, security and read-only settings need a restart', () => {
    for (const k of [
      'num.io.threads',
      'num.network.threads',
      'num.replica.fetchers',
      'log.cleaner.threads',
      'log.retention.ms',
      'log.retention.bytes',
      'min.insync.replicas',
      'message.max.bytes',
      'leader.replication.throttled.rate',
    ]) {
      expect(isDynamicBrokerConfig(k), k).toBe(true)
    }
    for (const k of [
      'log.retention.hours',
      'num.partitions',
      'default.replication.factor',
      'log.dirs',
      'listeners',
      'advertised.listeners',
      'listener.security.protocol.map',
      'ssl.keystore.location',
      'sasl.jaas.config',
      'broker.rack',
      'node.id',
      'auto.create.topics.enable',
    ]) {
      expect(isDynamicBrokerConfig(k), k).toBe(false)
    }
    expect(DYNAMIC_BROKER_CONFIGS.size).toBe(74)
  })
})

describe('planOptionsChange', () => {
  test('a dynamic key given a new value is set live; a static one needs a restart', () => {
    const p = planOptionsChange({ 'num.partitions': '1' }, {}, { 'num.partitions': '2', 'num.io.threads': '4' })
    expect(p).toEqual({ set: { 'num.io.threads': '4' }, remove: [], restart: ['num.partitions'] })
  })

  test('an unchanged value does nothing, also when it was applied live before', () => {
    expect(planOptionsChange({ a: '1' }, { 'num.io.threads': '4' }, { a: '1', 'num.io.threads': '4' })).toEqual({
      set: {},
      remove: [],
      restart: [],
    })
  })

  test('a removed dynamic key: deleting the override restores the default unless server.properties has it', () => {
    expect(planOptionsChange({}, { 'num.io.threads': '4' }, {})).toEqual({
      set: {},
      remove: ['num.io.threads'],
      restart: [],
    })
    expect(planOptionsChange({ 'num.io.threads': '6' }, { 'num.io.threads': '4' }, {})).toEqual({
      set: {},
      remove: [],
      restart: ['num.io.threads'],
    })
    expect(planOptionsChange({ 'num.io.threads': '6' }, {}, {})).toEqual({
      set: {},
      remove: [],
      restart: ['num.io.threads'],
    })
  })

  test('going back to the launched value of a static key needs no restart any more', () => {
    expect(planOptionsChange({ 'num.partitions': '1' }, {}, { 'num.partitions': '1' }).restart).toEqual([])
  })

  const key = fc.constantFrom(
    'num.io.threads',
    'log.cleaner.threads',
    'log.retention.ms',
    'num.partitions',
    'log.retention.hours',
    'broker.rack',
    'x.y',
  )
  const opts = fc.dictionary(key, fc.constantFrom('1', '2', '3'))

  test.prop([opts, opts, opts])(
    'applying the plan makes what runs equal the wanted options, except for the restart keys',
    (launched, dynamic0, next) => {
      // overrides only ever exist for dynamic keys
      const dynamic = Object.fromEntries(Object.entries(dynamic0).filter(([k]) => isDynamicBrokerConfig(k)))
      const p = planOptionsChange(launched, dynamic, next)
      const after = { ...dynamic, ...p.set }
      for (const k of p.remove) delete after[k]
      const running = (k: string) => (Object.hasOwn(after, k) ? after[k] : launched[k])
      for (const k of new Set([...Object.keys(launched), ...Object.keys(dynamic), ...Object.keys(next)])) {
        if (p.restart.includes(k)) {
          expect(running(k)).not.toBe(next[k])
        } else {
          expect(running(k), k).toBe(next[k])
        }
      }
      for (const k of [...Object.keys(p.set), ...p.remove]) expect(isDynamicBrokerConfig(k)).toBe(true)
    },
  )
})

describe('IncrementalAlterConfigs v1 wire format', () => {
  test('request body: one BROKER resource, SET with a value and DELETE with a null value, validateOnly', () => {
    const body = incrementalAlterConfigsRequest(
      4,
      '7',
      [
        { name: 'num.io.threads', op: 'set', value: '4' },
        { name: 'log.cleaner.threads', op: 'delete' },
      ],
      true,
    )
    const r = new Reader(body)
    expect(r.uvarint()).toBe(2) // one resource
    expect(r.int8()).toBe(4)
    expect(r.compactString()).toBe('7')
    expect(r.uvarint()).toBe(3) // two configs
    expect([r.compactString(), r.int8(), r.compactNullableString()]).toEqual(['num.io.threads', 0, '4'])
    r.tags()
    expect([r.compactString(), r.int8(), r.compactNullableString()]).toEqual(['log.cleaner.threads', 1, null])
    r.tags()
    r.tags()
    expect(r.int8()).toBe(1)
    r.tags()
    expect(r.remaining).toBe(0)
  })

  const response = (code: number, message: string | null) =>
    new Reader(
      new Writer()
        .int32(0)
        .compactArray([0], (w) => w.int16(code).compactNullableString(message).int8(4).compactString('7').tags())
        .tags()
        .build(),
    )

  test('a response without error passes; an error carries Kafka code and message', () => {
    expect(() => parseIncrementalAlterConfigs(response(0, null))).not.toThrow()
    let err: unknown
    try {
      parseIncrementalAlterConfigs(
        response(
          40,
          'Invalid value 1 for configuration num.io.threads: value should be at least half the current value 8',
        ),
      )
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(AlterConfigsError)
    expect((err as Error).message).toBe(
      'INVALID_CONFIG: Invalid value 1 for configuration num.io.threads: value should be at least half the current value 8',
    )
  })
})
