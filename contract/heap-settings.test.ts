/** Heap-aware settings: the derived dedupe buffer, the combinations refused, and that the fix each refusal names works. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import {
  derivedDedupeBytes,
  EXECUTOR_MB,
  heapDerivedOptions,
  JVM_OVERHEAD_MB,
  KAFKA_DEDUPE_BUFFER_DEFAULT,
  KAFKA_IO_BUFFER_DEFAULT,
  MIN_BROKER_HEAP_MB,
  sizingProblem,
} from './heap-settings.js'
import { serverProperties } from './server-properties.js'
import { KafkaTaskDataSchema } from './task-data.js'

const MiB = 1024 * 1024

describe('derived settings', () => {
  it('gives a 128 MB heap a 16 MB dedupe buffer and keeps Kafka 128 MiB default from a 1 GB heap up', () => {
    expect(heapDerivedOptions({ role: 'broker', heapMb: 128, options: {} })).toEqual({
      'log.cleaner.dedupe.buffer.size': String(16 * MiB),
    })
    expect(derivedDedupeBytes(1024)).toBe(KAFKA_DEDUPE_BUFFER_DEFAULT)
    expect(derivedDedupeBytes(8192)).toBe(KAFKA_DEDUPE_BUFFER_DEFAULT)
  })

  it('derives nothing the user set, nothing for a controller, nothing with the cleaner off', () => {
    expect(
      heapDerivedOptions({ role: 'broker', heapMb: 128, options: { 'log.cleaner.dedupe.buffer.size': '1048576' } }),
    ).toEqual({})
    expect(heapDerivedOptions({ role: 'controller', heapMb: 128, options: {} })).toEqual({})
    expect(heapDerivedOptions({ role: 'broker', heapMb: 128, options: { 'log.cleaner.enable': 'false' } })).toEqual({})
    expect(heapDerivedOptions({ role: 'broker,controller', heapMb: 256, options: {} })).toEqual({
      'log.cleaner.dedupe.buffer.size': String(32 * MiB),
    })
  })

  it('lands in server.properties under the user options', () => {
    const base = {
      role: 'broker',
      nodeId: 1,
      clusterId: 'MkU3OEVBNTcwNTJENDM2Qk',
      host: '127.0.1.1',
      port: 31000,
      quorum: '127.0.1.2:31005',
      format: 'no-initial-controllers',
      heapMb: 128,
    }
    const derived = serverProperties(KafkaTaskDataSchema.parse(base), { defaults: '', logDirs: '/d' })
    expect(derived.get('log.cleaner.dedupe.buffer.size')).toBe(String(16 * MiB))
    const user = serverProperties(
      KafkaTaskDataSchema.parse({ ...base, options: { 'log.cleaner.dedupe.buffer.size': '8388608' } }),
      { defaults: '', logDirs: '/d' },
    )
    expect(user.get('log.cleaner.dedupe.buffer.size')).toBe('8388608')
  })

  test.prop([fc.integer({ min: 64, max: 65536 })])(
    'the derived buffer is at most an eighth of the heap and the default',
    (heap) => {
      const d = derivedDedupeBytes(heap)
      expect(d).toBeLessThanOrEqual((heap * MiB) / 8)
      expect(d).toBeLessThanOrEqual(KAFKA_DEDUPE_BUFFER_DEFAULT)
      expect(
        sizingProblem({ role: 'broker', heapMb: Math.max(heap, MIN_BROKER_HEAP_MB), memMb: 1e6, options: {} }),
      ).toBe(undefined)
    },
  )
})

describe('combinations that cannot start', () => {
  it('refuses the issue 19 case: a 128 MB heap with the 128 MiB dedupe buffer, naming the option and the fix', () => {
    const p = sizingProblem({
      role: 'broker',
      heapMb: 128,
      memMb: 512,
      options: { 'log.cleaner.dedupe.buffer.size': String(128 * MiB) },
    })
    expect(p?.field).toBe('options')
    expect(p?.message).toMatch(/^options: log\.cleaner\.dedupe\.buffer\.size leaves too little of the 128 MB heap/)
    expect(p?.message).toMatch(
      /set log\.cleaner\.dedupe\.buffer\.size to at most 66584576 \(63\.5 MB\), or raise --heap to 257 or more/,
    )
  })

  it('refuses a mem that cannot hold the heap, the JVM and the executor', () => {
    const p = sizingProblem({ role: 'broker', heapMb: 256, memMb: 400, options: {} })
    expect(p?.field).toBe('mem')
    expect(p?.message).toBe(
      `mem: 400 MB cannot hold a 256 MB heap: the task's memory covers the heap, about ${JVM_OVERHEAD_MB} MB the JVM uses beyond it and ${EXECUTOR_MB} MB for the executor (agents kill a task over its mem); give --mem ${256 + JVM_OVERHEAD_MB + EXECUTOR_MB} or more, or lower --heap to ${400 - JVM_OVERHEAD_MB - EXECUTOR_MB} or less`,
    )
  })

  it('refuses a broker heap below the smallest that starts, and a byte option that is not a number', () => {
    expect(sizingProblem({ role: 'broker', heapMb: 64, memMb: 1024, options: {} })?.field).toBe('heap')
    expect(sizingProblem({ role: 'controller', heapMb: 64, memMb: 1024, options: {} })).toBe(undefined)
    expect(
      sizingProblem({ role: 'broker', heapMb: 512, memMb: 1024, options: { 'log.cleaner.io.buffer.size': '1m' } })
        ?.message,
    ).toBe('options: log.cleaner.io.buffer.size must be a number of bytes such as 16777216 (16 MB), got "1m"')
  })

  it('lets the README short form and the quickstart through', () => {
    expect(sizingProblem({ role: 'broker', heapMb: 128, memMb: 512, options: {} })).toBe(undefined)
    expect(sizingProblem({ role: 'broker', heapMb: 256, memMb: 768, options: {} })).toBe(undefined)
    expect(sizingProblem({ role: 'broker', heapMb: 1024, memMb: 2048, options: {} })).toBe(undefined)
  })

  const sizes = fc.record({
    heapMb: fc.integer({ min: 16, max: 4096 }),
    memMb: fc.integer({ min: 32, max: 8192 }),
    dedupe: fc.option(fc.integer({ min: 0, max: 512 * MiB }), { nil: undefined }),
    io: fc.option(fc.integer({ min: 0, max: 64 * MiB }), { nil: undefined }),
    lowerOption: fc.boolean(),
  })

  test.prop([sizes])(
    'following the fix a refusal names makes that check pass',
    ({ heapMb, memMb, dedupe, io, lowerOption }) => {
      const options: Record<string, string> = {}
      if (dedupe !== undefined) options['log.cleaner.dedupe.buffer.size'] = String(dedupe)
      if (io !== undefined) options['log.cleaner.io.buffer.size'] = String(io)
      let s = { role: 'broker' as const, heapMb, memMb, options }
      for (let step = 0; step < 4; step++) {
        const p = sizingProblem(s)
        if (!p) break
        // each message says "give --heap N", "give --mem N", or "set <option> to at most N"
        if (p.field === 'heap') s = { ...s, heapMb: Number(/--heap (\d+)/.exec(p.message)![1]) }
        else if (p.field === 'mem') s = { ...s, memMb: Number(/--mem (\d+)/.exec(p.message)![1]) }
        else {
          const lower = /set ([\w.]+) to at most (\d+)/.exec(p.message)
          if (lower && lowerOption) s = { ...s, options: { ...s.options, [lower[1]]: lower[2] } }
          else s = { ...s, heapMb: Number(/raise --heap to (\d+)/.exec(p.message)![1]) }
        }
        expect(sizingProblem(s)?.field).not.toBe(p.field)
      }
      if (!sizingProblem(s)) {
        const bytes = (k: string, d: number) => (s.options[k] !== undefined ? Number(s.options[k]) : d)
        const d = bytes('log.cleaner.dedupe.buffer.size', derivedDedupeBytes(s.heapMb))
        expect(d + bytes('log.cleaner.io.buffer.size', KAFKA_IO_BUFFER_DEFAULT)).toBeLessThanOrEqual(
          (s.heapMb * MiB) / 2,
        )
        expect(s.memMb).toBeGreaterThanOrEqual(s.heapMb + JVM_OVERHEAD_MB + EXECUTOR_MB)
      }
    },
  )
})
