/** The shared installs and the bounded fetch cache: an archive is extracted once per sha256 into a read-only dir that sandboxes link, and the cache evicts least recently used files by size. */
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tar from 'tar'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { fetchStores, fetchUris } from './fetcher.js'
import { FetcherCache } from './fetcher-cache.js'
import { makeWritable } from './installs.js'

let tmp: string
let archive: string
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'km-installs-'))
  const src = join(tmp, 'src')
  mkdirSync(join(src, 'kafka_2.13-4.4.0', 'libs'), { recursive: true })
  writeFileSync(join(src, 'kafka_2.13-4.4.0', 'libs', 'kafka.jar'), 'jar bytes')
  archive = join(tmp, 'kafka_2.13-4.4.0.tgz')
  await tar.c({ gzip: true, file: archive, cwd: src }, ['kafka_2.13-4.4.0'])
})
afterAll(async () => {
  await makeWritable(join(tmp, 'work', 'installs'))
  rmSync(tmp, { recursive: true, force: true })
})

describe('one install per agent', () => {
  test('eight concurrent fetches of one archive extract it once; each sandbox links the read-only install', async () => {
    const work = join(tmp, 'work')
    const stores = fetchStores(work)
    const sandboxes = Array.from({ length: 8 }, (_, i) => join(work, 'slaves', `run-${i}`))
    for (const s of sandboxes) mkdirSync(s, { recursive: true })
    await Promise.all(sandboxes.map((s) => fetchUris([{ value: archive, cache: true, extract: true }], s, stores)))
    const installs = readdirSync(join(work, 'installs'))
    expect(installs).toHaveLength(1) // no temporary dir left, one digest
    const dir = join(work, 'installs', installs[0] ?? '')
    for (const s of sandboxes) {
      const link = join(s, 'kafka_2.13-4.4.0')
      expect(lstatSync(link).isSymbolicLink()).toBe(true)
      expect(readlinkSync(link)).toBe(join(dir, 'kafka_2.13-4.4.0'))
      expect(readFileSync(join(link, 'libs', 'kafka.jar'), 'utf8')).toBe('jar bytes')
    }
    // read-only: no write bit on the install's dirs and files (root would write regardless, so the modes are checked)
    expect(statSync(join(dir, 'kafka_2.13-4.4.0', 'libs')).mode & 0o222).toBe(0)
    expect(statSync(join(dir, 'kafka_2.13-4.4.0', 'libs', 'kafka.jar')).mode & 0o222).toBe(0)
    // removing a sandbox leaves the install
    rmSync(sandboxes[0] ?? '', { recursive: true, force: true })
    expect(existsSync(join(dir, 'kafka_2.13-4.4.0', 'libs', 'kafka.jar'))).toBe(true)
  })
})

describe('FetcherCache', () => {
  test('evicts the least recently used files until the cache fits, never one in use', async () => {
    const dir = join(tmp, 'cache-lru')
    mkdirSync(dir)
    const cache = new FetcherCache(dir, 25)
    const put = (name: string, ageS: number) => {
      writeFileSync(join(dir, name), 'x'.repeat(10))
      writeFileSync(join(dir, `${name}.sha256`), 'digest')
      const t = new Date(Date.now() - ageS * 1000)
      utimesSync(join(dir, name), t, t)
    }
    put('a', 30)
    put('b', 20)
    put('c', 10)
    await cache.acquire(join(dir, 'a')) // used now: the newest, and in use
    await cache.release(join(dir, 'c')) // a release evicts: 30 bytes > 25
    expect(readdirSync(dir).sort()).toEqual(['a', 'a.sha256', 'c', 'c.sha256'])
    const inUse = new FetcherCache(dir, 0)
    await inUse.acquire(join(dir, 'a'))
    expect(await inUse.evict()).toEqual([join(dir, 'c')])
    expect(readdirSync(dir).sort()).toEqual(['a', 'a.sha256'])
    await inUse.release(join(dir, 'a'))
    expect(readdirSync(dir)).toEqual([])
  })
})
