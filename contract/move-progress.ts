/** The progress of partition moves (rebalance, realign) as the REST API reports it, and its one-line text form. */

/** What the API shows: `partitions` done of those planned, `bytes` copied of those to copy. */
export interface MoveProgress {
  partitions: { done: number; total: number }
  bytes: { moved: number; total: number }
}

/** `MB` with one decimal (10^6 bytes, as Kafka's tools print sizes). */
function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1)
}

/**
 * `2/4 partitions moved, 6.1 of 12.0 MB copied (51%)`: the line the scheduler streams while moves
 * run and the CLI prints under a rebalance status. No percentage when there are no bytes to copy.
 */
export function formatProgress(p: MoveProgress): string {
  const pct = p.bytes.total > 0 ? ` (${Math.floor((100 * p.bytes.moved) / p.bytes.total)}%)` : ''
  return `${p.partitions.done}/${p.partitions.total} partitions moved, ${mb(p.bytes.moved)} of ${mb(p.bytes.total)} MB copied${pct}`
}
