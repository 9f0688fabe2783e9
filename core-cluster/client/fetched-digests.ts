/** The sha256 of every file the agent fetched into a sandbox, as `fetched.sha256` in the `sha256sum` format: the format, its reader for executors, the digest of a file. */
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The file in a sandbox that lists what the agent fetched into it. */
export const FETCHED_DIGESTS_FILE = 'fetched.sha256'

/** One fetched file: its name in the sandbox and the sha256 (64 lowercase hex digits) of the bytes downloaded. */
export interface FetchedDigest {
  name: string
  sha256: string
}

/** The sha256 (hex) of a file, streamed. @throws the read's error (ENOENT, ...) */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * The text of `fetched.sha256`: one line `<sha256>  <name>` per fetched file, the format
 * `sha256sum` writes and `sha256sum -c` checks (GNU coreutils), so an operator can check a sandbox
 * by hand.
 */
export function formatFetchedDigests(digests: readonly FetchedDigest[]): string {
  return digests.map((d) => `${d.sha256}  ${d.name}\n`).join('')
}

/**
 * Reads `<sandbox>/fetched.sha256` (see {@link formatFetchedDigests}; the agent's fetcher writes it).
 * @returns file name → sha256; empty when the file is absent; lines that are not `<64 hex>  <name>` are skipped
 */
export function readFetchedDigests(sandbox: string): Map<string, string> {
  let text: string
  try {
    text = readFileSync(join(sandbox, FETCHED_DIGESTS_FILE), 'utf8')
  } catch {
    return new Map()
  }
  const out = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line)
    if (m) out.set(m[2], m[1])
  }
  return out
}
