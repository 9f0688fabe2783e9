/** `broker clone`: every setting is copied, no state is, for any source. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import type { KafkaNode } from '../../contract/index.js'
import { newNode } from './broker.js'
import { cloneBroker } from './clone.js'

const arbBroker: fc.Arbitrary<KafkaNode> = fc
  .record({
    id: fc.nat({ max: 1000 }),
    active: fc.boolean(),
    cpus: fc.double({ min: 0.01, max: 8, noNaN: true }),
    mem: fc.integer({ min: 256, max: 8192 }),
    heap: fc.integer({ min: 64, max: 4096 }),
    port: fc.option(
      fc.integer({ min: 1, max: 60000 }).map((p) => ({ start: p, end: p + 10 })),
      { nil: undefined },
    ),
    options: fc.dictionary(fc.stringMatching(/^[a-z.]{1,10}$/), fc.string({ maxLength: 8 })),
    constraints: fc.option(fc.constantFrom('rack=unique', 'hostname=like:a.*'), { nil: undefined }),
    failures: fc.nat({ max: 5 }),
    maxTries: fc.option(fc.integer({ min: 1, max: 9 }), { nil: undefined }),
    running: fc.boolean(),
  })
  .map((r) => {
    const n = newNode(r.id)
    Object.assign(n, {
      active: r.active,
      cpus: r.cpus,
      mem: r.mem,
      heap: r.heap,
      port: r.port,
      options: r.options,
      constraints: r.constraints,
      jvmOptions: '-Xss1m',
      javaCmd: 'java',
    })
    n.stickiness = { periodMs: 120_000, hostname: 'h1', stopTime: r.running ? undefined : 5 }
    n.failover = {
      delayMs: 5000,
      maxDelayMs: 60_000,
      maxTries: r.maxTries,
      failures: r.failures,
      failureTime: r.failures ? 7 : undefined,
    }
    n.needsRestart = r.running
    if (r.running)
      n.task = {
        id: 't',
        slaveId: 's',
        executorId: 'e',
        hostname: 'h1',
        endpoint: 'h1:1',
        attributes: { rack: 'r1' },
        state: 'running',
      }
    n.lastTaskId = 'old'
    return n
  })

describe('broker clone (mesos/kafka BrokerApi clone)', () => {
  test.prop([arbBroker, fc.nat({ max: 1000 })])(
    'copies every setting and none of the state; the source is untouched',
    (source, id) => {
      const before = structuredClone(source)
      const c = cloneBroker(source, id)
      expect(source).toEqual(before)
      expect(c).toMatchObject({
        id,
        role: 'broker',
        active: false,
        needsRestart: false,
        cpus: source.cpus,
        mem: source.mem,
        heap: source.heap,
        port: source.port,
        options: source.options,
        constraints: source.constraints,
        jvmOptions: source.jvmOptions,
        javaCmd: source.javaCmd,
      })
      expect(c.task).toBeUndefined()
      expect(c.lastTaskId).toBeUndefined()
      expect(c.stickiness).toEqual({ periodMs: source.stickiness.periodMs })
      expect(c.failover).toEqual({
        delayMs: 5000,
        maxDelayMs: 60_000,
        failures: 0,
        ...(source.failover.maxTries !== undefined ? { maxTries: source.failover.maxTries } : {}),
      })
      c.options.extra = 'x'
      expect(source.options.extra).toBeUndefined() // a deep copy
    },
  )
})
