/** Task data (TaskInfo.data): its base64 JSON round trip, defaults, refusal of bad data, and new cluster ids. */
import { describe, expect, it } from 'vitest'
import { decodeTaskData, encodeTaskData, newClusterId } from './task-data.js'

describe('task data', () => {
  it('task data round-trips and applies defaults', () => {
    const d = decodeTaskData(
      encodeTaskData({
        role: 'controller',
        nodeId: 1,
        clusterId: 'MkU3OEVBNTcwNTJENDM2Qk',
        host: 'h',
        port: 1,
        quorum: 'h:1',
        format: 'standalone',
        heapMb: 256,
      }),
    )
    expect(d.options).toEqual({})
    expect(d.javaCmd).toBe('java')
    expect(d.jvmOptions).toBe('')
    expect(() => decodeTaskData(Buffer.from('{"role":"x"}').toString('base64'))).toThrow(/invalid task data/)
    expect(() => decodeTaskData('!!!')).toThrow()
  })
})
describe('newClusterId', () => {
  it('22 base64url characters, never a leading dash (kafka-storage would read it as an option)', () => {
    for (let i = 0; i < 2000; i++) {
      const id = newClusterId()
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
    }
  })
})
