/** cgroup v2 access against a fake hierarchy: detection, one cgroup per container with its limit, OOM kills and peak use. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { Cgroups2 } from './cgroups.js'

/**
 * The cgroup v2 file protocol against a fake hierarchy in a temp dir (this host has cgroup v1, so
 * the kernel side is not exercised here).
 */
describe('cgroup v2 memory isolation (file protocol)', () => {
  const dirs: string[] = []
  const fakeRoot = (controllers: string) => {
    const root = mkdtempSync(join(tmpdir(), 'km-cgroup-'))
    dirs.push(root)
    writeFileSync(join(root, 'cgroup.controllers'), controllers)
    writeFileSync(join(root, 'cgroup.subtree_control'), '')
    return root
  }
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  test('not used without cgroup v2 or without the memory controller', () => {
    expect(Cgroups2.detect(join(tmpdir(), 'no-such-cgroup-root'))).toBeUndefined()
    expect(Cgroups2.detect(fakeRoot('cpu io'))).toBeUndefined()
  })

  test('enables memory for its subtree, creates a cgroup per run with memory.max, adds the pid, reads OOM kills', () => {
    const root = fakeRoot('cpuset cpu io memory pids')
    const cg = Cgroups2.detect(root)!
    expect(cg.base).toBe(join(root, 'kafka-mesos'))
    expect(readFileSync(join(root, 'cgroup.subtree_control'), 'utf8')).toBe('+memory')
    const dir = cg.create('container-1', 96 * 1024 * 1024)
    expect(readFileSync(join(dir, 'memory.max'), 'utf8')).toBe(String(96 * 1024 * 1024))
    expect(readFileSync(join(dir, 'memory.swap.max'), 'utf8')).toBe('0')
    cg.addProcess(dir, 4242)
    expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8')).toBe('4242')
    expect(cg.oomKilled(dir)).toBe(false)
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n')
    expect(cg.oomKilled(dir)).toBe(true)
    writeFileSync(join(dir, 'memory.peak'), '104857600\n')
    expect(cg.peakBytes(dir)).toBe(104857600)
  })
})
