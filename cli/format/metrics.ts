/** The human output of `broker metrics`: a table of metric names by broker or KRaft controller. */

import Table from 'cli-table3'

import { CONTROLLER_BASE_ID } from '../../contract/index.js'

/** A metric value for the table: whole numbers as they are, others with 3 (or, from 100 up, 1) decimals. */
export function formatMetricValue(v: number | undefined): string {
  if (v === undefined) return '-'
  if (Number.isInteger(v)) return String(v)
  return v.toFixed(Math.abs(v) >= 100 ? 1 : 3)
}

/**
 * The metrics table: one row per metric name (sorted), one column per broker (or KRaft controller),
 * `collected` (the read time, UTC) first.
 */
export function metricsTable(metrics: Record<string, Record<string, number>>): string {
  const ids = Object.keys(metrics)
  const names = [...new Set(ids.flatMap((id) => Object.keys(metrics[id])))].filter((n) => n !== 'timestamp').sort()
  const table = new Table({
    head: ['metric', ...ids.map((id) => `${Number(id) >= CONTROLLER_BASE_ID ? 'controller' : 'broker'} ${id}`)],
    style: { head: [], border: [], compact: true },
  })
  const time = (ms: number | undefined) => (ms ? new Date(ms).toISOString().slice(11, 19) : '-')
  table.push(['collected (UTC)', ...ids.map((id) => time(metrics[id].timestamp))])
  for (const n of names) table.push([n, ...ids.map((id) => formatMetricValue(metrics[id][n]))])
  return table.toString()
}
