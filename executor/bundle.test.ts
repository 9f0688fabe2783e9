/** The executor bundle holds no scheduler/ or cli/ module: esbuild's metafile lists every input it bundled. */
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
let out: string
let inputs: string[]

beforeAll(() => {
  // A fresh bundle from the sources (not dist/, which may be stale), built by the build's own script.
  out = mkdtempSync(path.join(tmpdir(), 'km-bundle-'))
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle-executor.mjs'), out], { cwd: root, stdio: 'pipe' })
  const meta = JSON.parse(readFileSync(path.join(out, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> }
  inputs = Object.keys(meta.inputs)
}, 60_000)

afterAll(() => rmSync(out, { recursive: true, force: true }))

describe('executor bundle (scripts/bundle-executor.mjs)', () => {
  test('is built from executor/main.ts and the contract, and holds no scheduler/ or cli/ module', () => {
    expect(existsSync(path.join(out, 'kafka-mesos-executor.cjs'))).toBe(true)
    expect(inputs).toContain('executor/main.ts')
    expect(inputs).toContain('contract/index.ts')
    expect(inputs.filter((i) => /^(scheduler|cli)\//.test(i))).toEqual([])
  })
})
