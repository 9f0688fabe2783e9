/** Process-tree accounting from /proc: a container's tree holds its children and grandchildren. */
import { spawn } from 'node:child_process'
import { describe, expect, test } from 'vitest'
import { allProcesses, treeUsage } from './monitor.js'

describe('process-tree accounting from /proc', () => {
  test('a child and its grandchild count in the tree of their parent', async () => {
    const child = spawn('/bin/sh', ['-c', 'sleep 5 & sleep 5; wait'], { detached: true, stdio: 'ignore' })
    try {
      await new Promise((r) => setTimeout(r, 300))
      const u = treeUsage(child.pid!, allProcesses())
      expect(u.pids).toContain(child.pid)
      expect(u.pids.length).toBeGreaterThanOrEqual(3)
      expect(u.memRssBytes).toBeGreaterThan(0)
      expect(u.memRssBytesWithoutRoot).toBeLessThan(u.memRssBytes)
    } finally {
      process.kill(-child.pid!, 'SIGKILL')
    }
  })
})
