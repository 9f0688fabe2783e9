/** The fetcher's digests and masking: fetched.sha256 lists every file fetched (cached ones from their kept digest), and errors never show a URI's path token. */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { FETCHED_DIGESTS_FILE, readFetchedDigests } from '../../client/index.js'
import { fetchUris } from './fetcher.js'

const sha = (s: string) => createHash('sha256').update(s).digest('hex')
let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'km-fetch-'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('fetchUris', () => {
  test('lists the sha256 of every file it fetched in fetched.sha256 (sha256sum format)', async () => {
    writeFileSync(join(tmp, 'a.txt'), 'alpha')
    writeFileSync(join(tmp, 'b.bin'), 'beta')
    const sandbox = join(tmp, 'sb1')
    mkdirSync(sandbox)
    await fetchUris(
      [{ value: join(tmp, 'a.txt') }, { value: `file://${join(tmp, 'b.bin')}`, cache: true, output_file: 'c.bin' }],
      sandbox,
      join(tmp, 'cache'),
    )
    expect(readFileSync(join(sandbox, FETCHED_DIGESTS_FILE), 'utf8')).toBe(
      `${sha('alpha')}  a.txt\n${sha('beta')}  c.bin\n`,
    )
    expect(readFetchedDigests(sandbox)).toEqual(
      new Map([
        ['a.txt', sha('alpha')],
        ['c.bin', sha('beta')],
      ]),
    )
  })

  test('a cached file is listed with the digest taken when it was downloaded', async () => {
    writeFileSync(join(tmp, 'd.bin'), 'delta')
    const cache = join(tmp, 'cache2')
    const uri = { value: join(tmp, 'd.bin'), cache: true }
    const first = join(tmp, 'sb2')
    mkdirSync(first)
    await fetchUris([uri], first, cache)
    const second = join(tmp, 'sb3')
    mkdirSync(second)
    await fetchUris([uri], second, cache)
    expect(readFetchedDigests(second).get('d.bin')).toBe(sha('delta'))
    expect(readFileSync(join(second, 'd.bin'), 'utf8')).toBe('delta')
  })

  test('a failed download names the URI with its path token masked', async () => {
    const sandbox = join(tmp, 'sb4')
    mkdirSync(sandbox)
    const err = await fetchUris(
      [{ value: 'http://127.0.0.1:1/kafka/kafka.tgz?km_token=s3cr3t-t0ken', extract: false }],
      sandbox,
      join(tmp, 'cache3'),
    ).catch((e: Error) => e)
    expect((err as Error).message).toMatch(
      /^Failed to fetch http:\/\/127\.0\.0\.1:1\/kafka\/kafka\.tgz\?km_token=\*\*\*: /,
    )
    expect((err as Error).message).not.toContain('s3cr3t')
  })
})
