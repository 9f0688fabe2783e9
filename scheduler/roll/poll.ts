/** Waiting in a rolling restart: a check polled until it reports nothing in the way, or a deadline. */

import type { Logger } from 'pino'

/** How often Kafka is asked again while waiting (ms; mesos/kafka polled ZooKeeper every 5 s). */
export const REPLICATION_POLL_MS = 1_000

/** Where a wait reports: `progress` lines for the client, `log` for the scheduler's log. */
export interface WaitReport {
  progress: (line: string) => void
  log: Logger
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Polls `read` every {@link REPLICATION_POLL_MS} until `blockers(snapshot)` is empty or the deadline
 * passes. Reports each new reason through `progress`. Read errors (e.g. brokers restarting) count as
 * "not yet", with `readFailed` naming what could not be read.
 * @param deadline epoch ms
 * @returns undefined when clear, else the last reason
 */
export async function pollUntilClear<T>(
  read: () => Promise<T>,
  readFailed: string,
  what: string,
  blockers: (snapshot: T) => string[],
  deadline: number,
  o: WaitReport,
): Promise<string | undefined> {
  let last = ''
  for (;;) {
    let reasons: string[]
    try {
      reasons = blockers(await read())
    } catch (e) {
      reasons = [`${readFailed}: ${(e as Error).message}`]
    }
    if (reasons.length === 0) return undefined
    const why = reasons.join('; ')
    if (why !== last) {
      last = why
      o.progress(`${what}: ${last}`)
      o.log.info({ reasons }, `rolling restart: ${what}`)
    }
    if (Date.now() + REPLICATION_POLL_MS > deadline) return last
    await sleep(REPLICATION_POLL_MS)
  }
}
