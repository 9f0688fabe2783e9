/** Polling for a condition with a deadline, shared by the benchmarks and the test harness. */

/**
 * Polls `check` every `intervalMs` until it returns a value (errors count as "not yet"); fails after
 * `ms` naming `what` and the last error.
 */
export async function until<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined>,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await check()
      if (v !== undefined) return v
    } catch (e) {
      last = e
    }
    await new Promise((r) => setTimeout(r, intervalMs))
  }
  throw new Error(`${what}: not within ${ms} ms${last ? ` (last error: ${(last as Error).message})` : ''}`)
}
