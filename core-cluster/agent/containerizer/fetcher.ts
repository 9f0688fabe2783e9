/** The fetcher: downloads a task's URIs into its sandbox, extracts archives, and keeps cached URIs for later tasks. */
import { createHash, randomUUID } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { chmod, copyFile, mkdir, rename, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { KmError } from '../../../errors/index.js'
import { maskUri } from '../../auth/index.js'
import type { CommandURI } from '../../proto/index.js'
import { FetchDigests } from './fetch-digests.js'
import { FetcherCache } from './fetcher-cache.js'
import { InstallStore } from './installs.js'

/** Raised when a URI cannot be fetched or extracted; the message names the URI. Code `KM_ERR_FETCH`. */
export class FetchError extends KmError {
  constructor(message: string) {
    super('KM_ERR_FETCH', message)
  }
}

const ARCHIVE = /\.(tgz|tar\.gz|tar)$/

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

async function download(uri: string, to: string): Promise<void> {
  // a path token in the URI is a credential: errors (logged, and the task's failure message) show it masked
  const shown = maskUri(uri)
  const tmp = `${to}.part-${process.pid}-${randomUUID()}`
  if (uri.startsWith('http://') || uri.startsWith('https://')) {
    const res = await fetch(uri).catch((e: Error) => {
      throw new FetchError(`Failed to fetch ${shown}: ${e.message}`)
    })
    if (!res.ok || !res.body) throw new FetchError(`Failed to fetch ${shown}: HTTP ${res.status}`)
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(tmp))
  } else {
    const path = uri.startsWith('file://') ? new URL(uri).pathname : uri
    await copyFile(path, tmp).catch((e: Error) => {
      throw new FetchError(`Failed to copy ${shown}: ${e.message}`)
    })
  }
  await rename(tmp, to)
}

/** Where a fetch keeps what outlives a sandbox: the bounded cache and the shared installs. */
export interface FetchStores {
  cache: FetcherCache
  installs: InstallStore
}

/** The stores of an agent's work dir: `<work dir>/cache` (bounded to `cacheBytes`) and `<work dir>/installs`. */
export function fetchStores(workDir: string, cacheBytes?: number): FetchStores {
  return {
    cache: new FetcherCache(join(workDir, 'cache'), cacheBytes),
    installs: new InstallStore(join(workDir, 'installs')),
  }
}

/**
 * The agent's fetcher (as Mesos's, `src/slave/containerizer/fetcher.hpp` and `docs/fetcher.md`): downloads each CommandInfo.URI into the sandbox,
 * extracts `.tgz`/`.tar.gz`/`.tar` when `extract` (default true), marks `executable` files +x.
 * URIs with `cache: true` are kept in the bounded cache (./fetcher-cache.ts), keyed by URI, and reused by later tasks.
 * An archive is not extracted into the sandbox: it is installed once per sha256 under
 * `<work dir>/installs` (read-only) and its top-level entries are linked into the sandbox (./installs.ts).
 * The sha256 of every fetched file goes to `<sandbox>/fetched.sha256` (./fetch-digests.ts).
 * @param stores a path is taken as the cache dir (its parent holds `installs/`), with Mesos's default cache size
 * @throws FetchError naming the URI that failed (its path token masked)
 */
export async function fetchUris(
  uris: readonly CommandURI[],
  sandbox: string,
  stores: FetchStores | string,
): Promise<void> {
  const { cache, installs } =
    typeof stores === 'string'
      ? { cache: new FetcherCache(stores), installs: new InstallStore(join(stores, '..', 'installs')) }
      : stores
  const digests = new FetchDigests()
  for (const uri of uris) {
    const name = uri.output_file ?? basename(new URL(uri.value, 'file:///').pathname)
    let local: string
    let sha256: string
    if (uri.cache) {
      await mkdir(cache.dir, { recursive: true })
      local = join(cache.dir, `${createHash('sha1').update(uri.value).digest('hex')}-${name}`)
      await cache.once(local, async () => {
        if (!(await exists(local))) await download(uri.value, local)
      })
      await cache.acquire(local)
    } else {
      local = join(sandbox, name)
      await download(uri.value, local)
    }
    try {
      sha256 = await digests.add(
        name,
        local,
        uri.cache ? ((await exists(`${local}.sha256`)) ? 'reused' : 'fresh') : 'none',
      )
      if ((uri.extract ?? true) && ARCHIVE.test(name)) {
        try {
          await installs.link(local, sha256, sandbox)
        } catch (e) {
          throw new FetchError(`Failed to extract ${maskUri(uri.value)}: ${(e as Error).message}`)
        }
      } else if (uri.cache) {
        await copyFile(local, join(sandbox, name))
      }
    } finally {
      if (uri.cache) await cache.release(local)
    }
    if (uri.executable) await chmod(join(sandbox, name), 0o755)
  }
  digests.write(sandbox)
}
