/** `broker log` on the executor side: which file a log name means, and its last lines, capped at 100 KB. */

import { closeSync, fstatSync, openSync, readdirSync, readSync } from 'node:fs'
import path from 'node:path'
import { KmError } from '../errors/index.js'

/**
 * `broker log` on the executor side (as mesos/kafka's `executor/Executor.scala` answers it): which file a name means, and
 * the last lines of it, capped at 100 KB.
 */

/** Most bytes a log reply carries (mesos/kafka: 102400). */
export const LOG_CAP_BYTES = 102_400

/** Raised for a name that is not allowed or a file that is missing or unreadable; the message says which and why. */
export class LogFileError extends KmError {
  constructor(message: string) {
    super('KM_ERR_LOG_FILE', message)
  }
}

/** Where the executor's files are. */
export interface LogPlaces {
  /** Task sandbox: holds `stdout` and `stderr` (the agent writes the executor's output there; Kafka's console output is in `stdout`). */
  sandbox: string
  /** Kafka's log dir (`-Dkafka.logs.dir`): holds `server.log` and any other `*.log`. */
  logsDir: string
}

/**
 * The file a log name means: `stdout`/`stderr` in the sandbox, `<file>.log` in the Kafka log dir.
 * @throws LogFileError for any other name, or a name with a path in it
 */
export function resolveLogFile(name: string, places: LogPlaces): string {
  if (name === 'stdout' || name === 'stderr') return path.join(places.sandbox, name)
  if (!name.endsWith('.log'))
    throw new LogFileError(
      `${name} doesn't end with .log: give stdout, stderr or a *.log file of the Kafka log dir such as server.log`,
    )
  if (name.includes('/') || name.includes('\\') || name.startsWith('.'))
    throw new LogFileError(`${name}: give a file name of the Kafka log dir such as server.log, not a path`)
  return path.join(places.logsDir, name)
}

/** The `*.log` files in the Kafka log dir, sorted (for error messages). */
export function listLogFiles(logsDir: string): string[] {
  try {
    return readdirSync(logsDir)
      .filter((n) => n.endsWith('.log'))
      .sort()
  } catch {
    return []
  }
}

/**
 * The last `lines` lines of a file, reading at most `capBytes` from its end. When the cap cuts a line,
 * that partial first line is dropped (unless it is the only one, which then starts at a whole UTF-8
 * character). A final newline does not count as an empty last line. Invalid UTF-8 is replaced, not thrown.
 * @returns the lines joined with `\n` (with the file's final newline if it had one)
 * @throws LogFileError when the file does not exist or cannot be read
 */
export function tailFile(file: string, lines: number, capBytes = LOG_CAP_BYTES): string {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new LogFileError(
      code === 'ENOENT'
        ? `${path.basename(file)} doesn't exist`
        : `${path.basename(file)} is not readable (${code ?? (e as Error).message})`,
    )
  }
  try {
    const size = fstatSync(fd).size
    const start = Math.max(0, size - capBytes)
    const buf = Buffer.alloc(size - start)
    let off = 0
    while (off < buf.length) {
      const n = readSync(fd, buf, off, buf.length - off, start + off)
      if (n === 0) break
      off += n
    }
    return tailText(buf.subarray(0, off), lines, start > 0)
  } catch (e) {
    if (e instanceof LogFileError) throw e
    throw new LogFileError(`${path.basename(file)} is not readable (${(e as Error).message})`)
  } finally {
    closeSync(fd)
  }
}

/**
 * The last `lines` lines of a chunk of text (see {@link tailFile}); `cut` says the chunk starts
 * inside the file, so its first line may be partial.
 */
export function tailText(chunk: Buffer, lines: number, cut: boolean): string {
  let buf = chunk
  if (cut) {
    const nl = buf.indexOf(0x0a)
    if (nl >= 0 && nl < buf.length - 1) buf = buf.subarray(nl + 1)
    else {
      let i = 0 // a cut inside a UTF-8 character: start at the next whole one
      while (i < buf.length && (buf[i] & 0xc0) === 0x80) i++
      buf = buf.subarray(i)
    }
  }
  const text = buf.toString('utf8')
  const endsWithNl = text.endsWith('\n')
  const all = (endsWithNl ? text.slice(0, -1) : text).split('\n')
  if (text === '') return ''
  const kept = all.slice(Math.max(0, all.length - lines))
  return kept.join('\n') + (endsWithNl ? '\n' : '')
}
