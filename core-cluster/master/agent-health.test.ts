/** The agent health check's tests: pings, misses, PONG resets, per-agent counts, bad settings. */
import { fc, test as prop } from '@fast-check/vitest'
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest'
import { AgentHealth, checkHealthOptions } from './agent-health.js'

/** A health check over fake timers that records pings and unreachable agents. */
function harness(pingTimeoutMs = 1000, maxPingTimeouts = 3) {
  const pings: string[] = []
  const unreachable: Array<{ id: string; misses: number; at: number }> = []
  const health = new AgentHealth(
    { pingTimeoutMs, maxPingTimeouts },
    { ping: (id) => pings.push(id), unreachable: (id, misses) => unreachable.push({ id, misses, at: Date.now() }) },
  )
  return { health, pings, unreachable }
}

describe('agent health check (Mesos SlaveObserver, src/master/master.cpp)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(0)
  })
  afterEach(() => vi.useRealTimers())

  test('an agent is pinged at once and every ping timeout; silent for max × timeout it is unreachable', () => {
    const { health, pings, unreachable } = harness(1000, 3)
    health.watch('a1')
    expect(pings).toEqual(['a1'])
    vi.advanceTimersByTime(2999)
    expect(pings).toHaveLength(3)
    expect(health.misses('a1')).toBe(2)
    expect(unreachable).toEqual([])
    vi.advanceTimersByTime(1)
    expect(unreachable).toEqual([{ id: 'a1', misses: 3, at: 3000 }])
    expect(health.misses('a1')).toBeUndefined() // no longer watched: no more pings
    vi.advanceTimersByTime(10_000)
    expect(pings).toHaveLength(3)
    expect(unreachable).toHaveLength(1)
  })

  test('a PONG resets the misses: an agent that answers now and then stays reachable', () => {
    const { health, unreachable } = harness(1000, 3)
    health.watch('a1')
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(2500) // two missed pings...
      expect(health.misses('a1')).toBe(2)
      health.pong('a1') // ...then an answer
      expect(health.misses('a1')).toBe(0)
      vi.advanceTimersByTime(500)
    }
    expect(unreachable).toEqual([])
  })

  test('watch() again (re-registration) starts over; unwatch() stops the pings; unknown pongs are ignored', () => {
    const { health, pings, unreachable } = harness(1000, 2)
    health.watch('a1')
    vi.advanceTimersByTime(1500)
    expect(health.misses('a1')).toBe(1)
    health.watch('a1')
    expect(health.misses('a1')).toBe(0)
    vi.advanceTimersByTime(1999)
    expect(unreachable).toEqual([])
    health.unwatch('a1')
    const sent = pings.length
    vi.advanceTimersByTime(10_000)
    expect(pings).toHaveLength(sent)
    expect(unreachable).toEqual([])
    health.pong('nobody')
  })

  test('each agent has its own count', () => {
    const { health, unreachable } = harness(1000, 2)
    health.watch('a1')
    vi.advanceTimersByTime(500)
    health.watch('a2')
    const answer = setInterval(() => health.pong('a2'), 700)
    vi.advanceTimersByTime(5000)
    clearInterval(answer)
    expect(unreachable.map((u) => u.id)).toEqual(['a1'])
    expect(health.misses('a2')).toBe(0)
    health.stop()
  })

  test('bad settings are refused with the setting named', () => {
    expect(() => checkHealthOptions({ pingTimeoutMs: 0, maxPingTimeouts: 5 })).toThrow(/ping timeout/)
    expect(() => checkHealthOptions({ pingTimeoutMs: 15_000, maxPingTimeouts: 1.5 })).toThrow(/max agent ping timeouts/)
  })

  /**
   * Property: per ping period the agent answers or not; it is marked unreachable exactly at the end
   * of the first run of `max` unanswered periods, and never if there is none.
   */
  prop.prop([fc.array(fc.boolean(), { maxLength: 40 }), fc.integer({ min: 1, max: 5 })])(
    'unreachable exactly after the first run of max unanswered pings',
    (answers, max) => {
      vi.useFakeTimers()
      vi.setSystemTime(0)
      const { health, unreachable } = harness(100, max)
      health.watch('a')
      let run = 0
      let expectedAt: number | undefined
      answers.forEach((answered, i) => {
        vi.advanceTimersByTime(50)
        if (answered) health.pong('a')
        vi.advanceTimersByTime(50) // the period ends: a miss unless answered
        run = answered ? 0 : run + 1
        if (run >= max && expectedAt === undefined) expectedAt = (i + 1) * 100
      })
      expect(unreachable.map((u) => u.at)).toEqual(expectedAt === undefined ? [] : [expectedAt])
      health.stop()
    },
  )
})
