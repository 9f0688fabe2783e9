/** The audit log of operations: the entry shape, the file log and the in-memory log. */

/**
 * The audit log of operations (issue 6, past mesos/kafka): one JSON line per mutating API call, who
 * made it, when, what and with which result, appended to `<state file>.ops.jsonl` beside the
 * scheduler's state file and fsynced, so it survives scheduler restarts. It is append-only: nothing
 * here rewrites or truncates it.
 *
 * With etcd state storage the log lives in etcd beside the state ({@link EtcdOpsLog}); a scheduler
 * with no durable store keeps the last {@link MEMORY_LIMIT} entries in memory ({@link MemoryOpsLog}).
 */

import { open, readFile } from 'node:fs/promises'

/** One operation. `time` ISO-8601 UTC; `ms` the call's duration. */
export interface OpsEntry {
  time: string
  /** `user`: the principal the request authenticated as (`--auth-file`; null when authentication is off), `address` the peer address */
  who: { user: string | null; address: string | null }
  /** the API path without `/api/`, e.g. `topic/add` */
  op: string
  /** request parameters; values of keys that look secret are replaced by `***` */
  params: Record<string, string>
  /** HTTP status of the answer */
  status: number
  result: 'ok' | 'error'
  /** the error message of a failed call */
  error?: string
  ms: number
}

export const MEMORY_LIMIT = 10_000

/** Keys whose values are never written: passwords, secrets, JAAS configs, keys. */
const SECRET_KEY = /password|secret|jaas|credential|(^|\.)key$/i

/** Params with secret-looking values masked, also inside `k=v,...` maps such as `options`. */
export function redact(params: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(params)) {
    if (SECRET_KEY.test(k)) out[k] = '***'
    else out[k] = v.replace(/(^|,)([^=,]*(?:password|secret|jaas|credential)[^=,]*)=((?:\\.|[^,])*)/gi, '$1$2=***')
  }
  return out
}

/** An append-only log of operations. */
export interface OpsLog {
  /** Appends one entry; resolves once it is durable. @throws the storage's error */
  append(entry: OpsEntry): Promise<void>
  /** The last `limit` entries, oldest first. */
  read(limit?: number): Promise<OpsEntry[]>
}

/** The last {@link MEMORY_LIMIT} entries in memory (lost when the scheduler exits). */
export class MemoryOpsLog implements OpsLog {
  private readonly memory: OpsEntry[] = []

  append(entry: OpsEntry): Promise<void> {
    this.memory.push(entry)
    if (this.memory.length > MEMORY_LIMIT) this.memory.shift()
    return Promise.resolve()
  }

  read(limit = 100): Promise<OpsEntry[]> {
    return Promise.resolve(this.memory.slice(-limit))
  }
}

/** Append-only JSON-lines file, each append fsynced. */
export class FileOpsLog implements OpsLog {
  private chain: Promise<void> = Promise.resolve()

  /** @param path the log file (created on the first append) */
  constructor(readonly path: string) {}

  /** Appends one entry (writes are serialized and fsynced). @throws the file system's error */
  append(entry: OpsEntry): Promise<void> {
    const path = this.path
    const line = `${JSON.stringify(entry)}\n`
    this.chain = this.chain
      .catch(() => undefined)
      .then(async () => {
        const fh = await open(path, 'a')
        try {
          await fh.appendFile(line)
          await fh.sync()
        } finally {
          await fh.close()
        }
      })
    return this.chain
  }

  /**
   * The last `limit` entries, oldest first. Lines that are not valid JSON (a torn last write) are skipped.
   */
  async read(limit = 100): Promise<OpsEntry[]> {
    await this.chain.catch(() => undefined)
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw e
    }
    const out: OpsEntry[] = []
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue
      try {
        out.push(JSON.parse(line) as OpsEntry)
      } catch {
        // a partial line from a crash mid-write: skip it
      }
    }
    return out.slice(-limit)
  }
}
