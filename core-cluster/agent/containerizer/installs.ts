/** The agent's shared installs: an archive extracted once per sha256 into a read-only dir, linked into every sandbox that fetches it. */
import { randomUUID } from 'node:crypto'
import { chmod, lstat, mkdir, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import * as tar from 'tar'

/** The marker written last into an install dir: an install without it is incomplete and is never used. */
export const INSTALL_COMPLETE = '.km-install-complete'

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/** Takes write permission off everything under `dir` (files 0444 or 0555, dirs 0555), deepest first. */
async function makeReadOnly(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) await makeReadOnly(p)
    else if (e.isFile()) {
      const mode = (await lstat(p)).mode & 0o777
      await chmod(p, mode & 0o111 ? 0o555 : 0o444)
    }
  }
  await chmod(dir, 0o555)
}

/** Gives write permission back under `dir` so that it can be removed. */
export async function makeWritable(dir: string): Promise<void> {
  await chmod(dir, 0o755).catch(() => undefined)
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory()) await makeWritable(join(dir, e.name))
  }
}

/**
 * One install per archive digest, under `<work dir>/installs/<sha256>/`. Mesos's fetcher
 * (`docs/fetcher.md`) extracts a cached archive into every sandbox; for a 42 MB Kafka archive
 * and 20 brokers on an agent that is 20 extractions and about 100 MB of disk each. Here the first
 * fetch extracts it into a temporary dir, takes write permission off and renames it into place
 * (atomic: a second agent process on the same work dir loses the rename and uses the winner's);
 * concurrent fetches in this process wait for that one extraction. Each sandbox then gets a
 * symlink per top-level entry of the install (e.g. `kafka_2.13-4.4.0 -> ../installs/<sha256>/kafka_2.13-4.4.0`),
 * so that it keeps its own config, logs and data, and the executor runs Kafka from the link.
 */
export class InstallStore {
  private readonly pending = new Map<string, Promise<string>>()

  constructor(readonly dir: string) {}

  /** The install dir of `sha256`. */
  pathOf(sha256: string): string {
    return join(this.dir, sha256)
  }

  /**
   * Makes sure the archive `file` (whose sha256 is `sha256`, as the fetcher took it) is installed,
   * extracting it at most once, and links its top-level entries into `sandbox`.
   * @returns the install dir
   * @throws the extraction's error (a corrupt archive); the temporary dir is removed
   */
  async link(file: string, sha256: string, sandbox: string): Promise<string> {
    const dir = await this.install(file, sha256)
    for (const name of await readdir(dir)) {
      if (name === INSTALL_COMPLETE) continue
      const at = join(sandbox, name)
      await rm(at, { recursive: true, force: true })
      await symlink(join(dir, name), at)
    }
    return dir
  }

  private install(file: string, sha256: string): Promise<string> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return Promise.reject(new Error(`not a sha256: ${sha256}`))
    let p = this.pending.get(sha256)
    if (!p) {
      p = this.extractOnce(file, sha256).finally(() => this.pending.delete(sha256))
      this.pending.set(sha256, p)
    }
    return p
  }

  private async extractOnce(file: string, sha256: string): Promise<string> {
    const dir = this.pathOf(sha256)
    if (await exists(join(dir, INSTALL_COMPLETE))) return dir
    await mkdir(this.dir, { recursive: true })
    // an incomplete install (an agent killed between rename and marker cannot happen; a hand-made one can)
    if (await exists(dir)) {
      await makeWritable(dir)
      await rm(dir, { recursive: true, force: true })
    }
    const tmp = join(this.dir, `.${sha256}.tmp-${randomUUID()}`)
    await mkdir(tmp)
    try {
      await tar.x({ file, cwd: tmp })
      await writeFile(join(tmp, INSTALL_COMPLETE), `${sha256}\n`)
      await makeReadOnly(tmp)
      await rename(tmp, dir)
    } catch (e) {
      await makeWritable(tmp)
      await rm(tmp, { recursive: true, force: true })
      if (await exists(join(dir, INSTALL_COMPLETE))) return dir // another process installed it first
      throw e
    }
    return dir
  }
}
