/** SandboxGc: a full disk removes a finished sandbox long before the GC delay; paths outside <work dir>/slaves are never scheduled. */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, expect, test } from 'vitest'
import { SandboxGc } from './sandbox-gc.js'

const work = mkdtempSync(join(tmpdir(), 'km-gc-unit-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

test('with an hour of delay, a disk 95% full removes a sandbox at once, 10% full keeps it; data linked from it stays', async () => {
  const gc = new SandboxGc({ workDir: work, gcDelayMs: 3_600_000, gcDiskHeadroom: 0.1, log: pino({ level: 'silent' }) })
  const run = join(work, 'slaves', 'a', 'frameworks', 'f', 'executors', 'e', 'runs', 'r1')
  mkdirSync(run, { recursive: true })
  mkdirSync(join(work, 'data', 'b1'), { recursive: true })
  writeFileSync(join(work, 'data', 'b1', 'x'), 'kept')
  symlinkSync(join(work, 'data', 'b1'), join(run, 'data'))
  gc.schedule(run, Date.now() - 60_000) // finished a minute ago
  gc.schedule(join(work, 'data', 'b1')) // not a run dir: refused
  gc.schedule(join(work, 'slaves', '..', 'volumes', 'a', 'b', 'c', 'd', 'e', 'f'))
  expect([...gc.pending().keys()]).toEqual([run])
  expect(await gc.prune(0.1)).toEqual([]) // age limit 48 min
  expect(await gc.prune(0.95)).toEqual([run])
  expect(existsSync(run)).toBe(false)
  expect(existsSync(join(work, 'data', 'b1', 'x'))).toBe(true)
})
