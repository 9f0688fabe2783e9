/** The fetcher: downloads a task's URIs into its sandbox, extracts archives, and keeps cached URIs for later tasks. */
import { createHash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { chmod, copyFile, mkdir, rename, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import * as tar from 'tar'
import { KmError } from '../../../errors/index.js'
import type { CommandURI } from '../../proto/index.js'

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
  const tmp = `${to}.part-${process.pid}`
  if (uri.startsWith('http://') || uri.startsWith('https://')) {
    const res = await fetch(uri).catch((e: Error) => {
      throw new FetchError(`Failed to fetch ${uri}: ${e.message}`)
    })
    if (!res.ok || !res.body) throw new FetchError(`Failed to fetch ${uri}: HTTP ${res.status}`)
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(tmp))
  } else {
    const path = uri.startsWith('file://') ? new URL(uri).pathname : uri
    await copyFile(path, tmp).catch((e: Error) => {
      throw new FetchError(`Failed to copy ${uri}: ${e.message}`)
    })
  }
  await rename(tmp, to)
}

/**
 * The agent's fetcher (as Mesos's, `src/slave/containerizer/fetcher.hpp` and `docs/fetcher.md`): downloads each CommandInfo.URI into the sandbox,
 * extracts `.tgz`/`.tar.gz`/`.tar` when `extract` (default true), marks `executable` files +x.
 * URIs with `cache: true` are kept in `cacheDir`, keyed by URI, and reused by later tasks.
 * @throws FetchError naming the URI that failed
 */
export async function fetchUris(uris: readonly CommandURI[], sandbox: string, cacheDir: string): Promise<void> {
  for (const uri of uris) {
    const name = uri.output_file ?? basename(new URL(uri.value, 'file:///').pathname)
    let local: string
    if (uri.cache) {
      await mkdir(cacheDir, { recursive: true })
      local = join(cacheDir, `${createHash('sha1').update(uri.value).digest('hex')}-${name}`)
      if (!(await exists(local))) await download(uri.value, local)
    } else {
      local = join(sandbox, name)
      await download(uri.value, local)
    }
    if ((uri.extract ?? true) && ARCHIVE.test(name)) {
      try {
        await tar.x({ file: local, cwd: sandbox })
      } catch (e) {
        throw new FetchError(`Failed to extract ${uri.value}: ${(e as Error).message}`)
      }
    } else if (uri.cache) {
      await copyFile(local, join(sandbox, name))
    }
    if (uri.executable) await chmod(join(sandbox, name), 0o755)
  }
}
