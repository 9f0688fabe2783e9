/** The fetcher's cache: files fetched with `cache: true`, bounded in bytes, least recently used evicted first. */
import { mkdir, readdir, rm, stat, utimes } from 'node:fs/promises'
import { join } from 'node:path'

/** Mesos's default `--fetcher_cache_size` (`docs/configuration/agent.md`): 2 GB. */
export const DEFAULT_FETCHER_CACHE_BYTES = 2 * 1024 * 1024 * 1024

/**
 * The cache dir of the fetcher, as Mesos's (`docs/fetcher.md`, "Cache eviction"): its files
 * together stay within `sizeBytes`; when a new file would exceed it, the least recently used files
 * (by modification time, which every use refreshes) are removed until it fits. A file in use by a
 * fetch under way is never evicted; a file larger than the whole cache is kept only for the fetch
 * that needs it (removed when that fetch releases it). The digest kept beside a file
 * (`<file>.sha256`) goes with it.
 */
export class FetcherCache {
  private readonly inUse = new Map<string, number>()
  private readonly downloads = new Map<string, Promise<void>>()

  constructor(
    readonly dir: string,
    readonly sizeBytes: number = DEFAULT_FETCHER_CACHE_BYTES,
  ) {}

  /** Runs `download` of `path` once at a time: concurrent fetches of one URI wait for the same download. */
  once(path: string, download: () => Promise<void>): Promise<void> {
    let p = this.downloads.get(path)
    if (!p) {
      p = download().finally(() => this.downloads.delete(path))
      this.downloads.set(path, p)
    }
    return p
  }

  /** Marks `path` used now (its mtime) and in use until `release(path)`. */
  async acquire(path: string): Promise<void> {
    await mkdir(this.dir, { recursive: true })
    this.inUse.set(path, (this.inUse.get(path) ?? 0) + 1)
    const now = new Date()
    await utimes(path, now, now).catch(() => undefined)
  }

  /** Ends one use of `path`; then evicts until the cache fits. */
  async release(path: string): Promise<void> {
    const n = (this.inUse.get(path) ?? 1) - 1
    if (n > 0) this.inUse.set(path, n)
    else this.inUse.delete(path)
    await this.evict()
  }

  /** The cache's files (not their kept digests), with size and last use, oldest first. */
  async entries(): Promise<{ path: string; bytes: number; usedMs: number }[]> {
    const names = await readdir(this.dir).catch(() => [] as string[])
    const out: { path: string; bytes: number; usedMs: number }[] = []
    for (const name of names) {
      if (name.endsWith('.sha256') || name.includes('.part-')) continue
      const s = await stat(join(this.dir, name)).catch(() => undefined)
      if (s?.isFile()) out.push({ path: join(this.dir, name), bytes: s.size, usedMs: s.mtimeMs })
    }
    return out.sort((a, b) => a.usedMs - b.usedMs)
  }

  /** Removes least recently used files not in use until the cache holds at most `sizeBytes`. @returns the removed paths */
  async evict(): Promise<string[]> {
    const all = await this.entries()
    let total = all.reduce((n, e) => n + e.bytes, 0)
    const removed: string[] = []
    for (const e of all) {
      if (total <= this.sizeBytes) break
      if (this.inUse.has(e.path)) continue
      await rm(e.path, { force: true })
      await rm(`${e.path}.sha256`, { force: true })
      total -= e.bytes
      removed.push(e.path)
    }
    return removed
  }
}
