/** Streamed answers for long waits: ndjson progress lines, then the answer (or an error) as the last line. */

/**
 * A streamed answer for long waits: with `Accept: application/x-ndjson`, `{"progress":"..."}`
 * lines as the work goes on, then the answer object as the last line (cli/api.ts `postStream`
 * reads it). A failure after the stream began becomes an `{"error","code"}` line.
 */

import type { Context } from 'hono'
import { stream } from 'hono/streaming'
import type { Logger } from 'pino'
import type { ErrorCode } from '../../errors/index.js'

/** True when the client asked for a streamed answer. */
export function wantsNdjson(c: Context): boolean {
  return (c.req.header('accept') ?? '').includes('application/x-ndjson')
}

/**
 * Streams `run`'s progress lines and then its answer.
 * @param toError turns a failure into `{error, code}` (an ApiError's message and code), else `internal error`
 */
export function streamNdjson(
  c: Context,
  log: Logger,
  run: (progress: (line: string) => void) => Promise<unknown>,
  toError: (e: unknown) => { error: string; code: ErrorCode } | undefined,
): Response {
  c.header('Content-Type', 'application/x-ndjson; charset=utf-8')
  return stream(c, async (s) => {
    const lines: string[] = []
    let wake: (() => void) | undefined
    const push = (obj: unknown) => {
      lines.push(`${JSON.stringify(obj)}\n`)
      wake?.()
    }
    let done = false
    const result = run((line) => push({ progress: line }))
      .then((r) => push(r))
      .catch((e: unknown) => {
        const known = toError(e)
        if (!known) log.error({ err: e }, 'streamed request failed')
        push(
          known ?? {
            error: `internal error: ${(e as Error)?.message ?? String(e)}`,
            code: 'KM_ERR_INTERNAL' satisfies ErrorCode,
          },
        )
      })
      .finally(() => {
        done = true
        wake?.()
      })
    while (!done || lines.length > 0) {
      if (lines.length === 0) await new Promise<void>((r) => (wake = r))
      wake = undefined
      while (lines.length > 0) await s.write(lines.shift()!)
    }
    await result
  })
}
