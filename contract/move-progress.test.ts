/** The progress line: partitions and megabytes, a percentage rounded down, none without bytes to copy. */
import { describe, expect, test } from 'vitest'
import { formatProgress } from './move-progress.js'

describe('formatProgress', () => {
  test('rounds the percentage down and prints MB with one decimal', () => {
    expect(formatProgress({ partitions: { done: 2, total: 4 }, bytes: { moved: 6_149_999, total: 12_000_000 } })).toBe(
      '2/4 partitions moved, 6.1 of 12.0 MB copied (51%)',
    )
    expect(formatProgress({ partitions: { done: 1, total: 1 }, bytes: { moved: 5, total: 5 } })).toBe(
      '1/1 partitions moved, 0.0 of 0.0 MB copied (100%)',
    )
  })
})
