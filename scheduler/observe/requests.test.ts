/** Requests to executors and their replies, executor messages, and metric filters. */

import { describe, expect, it } from 'vitest'
import { decodeReply, decodeRequest, type ExecutorRequest, encodeMessage } from '../../contract/index.js'
import { filterMetrics, parseFilters } from './metrics.js'
import { ExecutorRequests } from './requests.js'

describe('ExecutorRequests', () => {
  it('matches a reply to its request by id, executor and type', async () => {
    const reqs = new ExecutorRequests()
    let sent: ExecutorRequest | undefined
    const p = reqs.ask('exec-1', { type: 'log', name: 'stdout', lines: 5 }, 5000, async (r) => {
      sent = r
    })
    await Promise.resolve()
    expect(sent?.type).toBe('log')
    const id = sent!.requestId
    expect(reqs.complete('exec-2', { type: 'log', requestId: id, content: 'x' })).toBe(false) // another executor
    expect(reqs.complete('exec-1', { type: 'metrics', requestId: id, metrics: {} })).toBe(false) // another type
    expect(reqs.complete('exec-1', { type: 'log', requestId: id, content: 'hello' })).toBe(true)
    expect(await p).toEqual({ status: 'ok', reply: { type: 'log', requestId: id, content: 'hello' } })
    expect(reqs.size).toBe(0)
    expect(reqs.complete('exec-1', { type: 'log', requestId: id, content: 'late' })).toBe(false)
  })

  it('times out when no reply comes', async () => {
    const reqs = new ExecutorRequests()
    expect(await reqs.ask('e', { type: 'metrics' }, 20, async () => {})).toEqual({ status: 'timeout' })
    expect(reqs.size).toBe(0)
  })

  it('forgets a request whose send fails', async () => {
    const reqs = new ExecutorRequests()
    await expect(
      reqs.ask('e', { type: 'metrics' }, 5000, async () => Promise.reject(new Error('not subscribed'))),
    ).rejects.toThrow('not subscribed')
    expect(reqs.size).toBe(0)
  })
})

describe('executor messages', () => {
  it('round-trip as JSON; other text (stop) is not a request', () => {
    const req: ExecutorRequest = { type: 'log', requestId: 'a', name: 'server.log', lines: 10 }
    expect(decodeRequest(encodeMessage(req))).toEqual(req)
    expect(decodeRequest('stop')).toBeUndefined()
    expect(decodeRequest('{"type":"log"}')).toBeUndefined()
    expect(decodeReply(encodeMessage({ type: 'metrics', requestId: 'b', metrics: { timestamp: 1, x: 2 } }))).toEqual({
      type: 'metrics',
      requestId: 'b',
      metrics: { timestamp: 1, x: 2 },
    })
  })
})

describe('metric filters', () => {
  const m = {
    timestamp: 1,
    'kafka.server,ReplicaManager,UnderReplicatedPartitions': 0,
    'kafka.server,BrokerTopicMetrics,MessagesInPerSec': 3,
    'kafka.server,BrokerTopicMetrics,MessagesInPerSec_count': 9,
  }
  it('keep names one regex fully matches, and the timestamp', () => {
    expect(filterMetrics(m, parseFilters('.*MessagesInPerSec'))).toEqual({
      timestamp: 1,
      'kafka.server,BrokerTopicMetrics,MessagesInPerSec': 3,
    })
    expect(Object.keys(filterMetrics(m, parseFilters('MessagesIn')))).toEqual(['timestamp']) // not a full match
    expect(Object.keys(filterMetrics(m, parseFilters('.*UnderReplicated.*\n.*_count')))).toHaveLength(3)
    expect(filterMetrics(m, parseFilters(undefined))).toBe(m)
  })
  it('a bad regex is a 400 that names it', () => {
    expect(() => parseFilters('(')).toThrow(/filter: invalid regular expression "\(":/)
  })
})
