/** The fetcher's record of what it fetched: the sha256 of each file, kept beside cached files, written to the sandbox for the executor to check. */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import writeFileAtomic from 'write-file-atomic'
import { FETCHED_DIGESTS_FILE, type FetchedDigest, formatFetchedDigests, sha256OfFile } from '../../client/index.js'

/**
 * Collects the sha256 of every file one fetch puts in a sandbox and writes them to
 * `<sandbox>/fetched.sha256` (core-cluster/client `fetched-digests.ts`), where an executor checks
 * them against digests its task carries (the Kafka executor does for the Kafka archive). The
 * digest is of the bytes as downloaded. A cached file's digest is taken when it is downloaded and
 * kept beside it (`<file>.sha256`), so a later task costs no second read of the archive.
 */
export class FetchDigests {
  private readonly digests: FetchedDigest[] = []

  /**
   * Records the file `local` under its sandbox `name`.
   * @param cache `fresh`: just downloaded into the cache (its digest is taken and kept); `reused`:
   *   taken from the cache (the kept digest is used, or taken when missing); `none`: not cached
   * @returns the file's sha256 (hex)
   */
  async add(name: string, local: string, cache: 'fresh' | 'reused' | 'none'): Promise<string> {
    const sha256 = await this.digestOf(local, cache)
    this.digests.push({ name, sha256 })
    return sha256
  }

  /** Writes `<sandbox>/fetched.sha256` (atomically). */
  write(sandbox: string): void {
    writeFileAtomic.sync(join(sandbox, FETCHED_DIGESTS_FILE), formatFetchedDigests(this.digests))
  }

  private async digestOf(local: string, cache: 'fresh' | 'reused' | 'none'): Promise<string> {
    const kept = `${local}.sha256`
    if (cache === 'reused') {
      const text = await readFile(kept, 'utf8').catch(() => '')
      if (/^[0-9a-f]{64}$/.test(text.trim())) return text.trim()
    }
    const sha256 = await sha256OfFile(local)
    if (cache !== 'none') writeFileAtomic.sync(kept, sha256)
    return sha256
  }
}
