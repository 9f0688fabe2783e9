/** `broker metrics` on the executor: which MBeans are read through Jolokia and the flat metrics map they become. */
/**
 * `broker metrics` on the executor side: which MBeans are read through Jolokia and how its answer
 * becomes mesos/kafka's flat metrics map (`executor/MetricCollectorProxy.scala`; MBean names from
 * the Kafka docs, `docs/operations/monitoring.md`).
 *
 * Names: `domain,type,name` plus any further ObjectName keys as `key=value`, e.g.
 * `kafka.server,ReplicaManager,UnderReplicatedPartitions` or
 * `kafka.network,RequestMetrics,TotalTimeMs,request=Produce`. MBeans without a `name` key
 * (`kafka.server:type=raft-metrics`) give one metric per attribute: `kafka.server,raft-metrics,high-watermark`.
 * Values by MBean kind:
 * - gauge (`Value`): the value;
 * - meter (`Count`, `OneMinuteRate`): the name is the one-minute rate (per second, as mesos/kafka),
 *   `<name>_count` the total count (not for `*Percent` meters, whose count is idle nanoseconds);
 * - histogram/timer (`Mean`, percentiles): the name is the mean, plus `_p50`, `_p95`, `_p99`,
 *   `_p999`, `_max` and `_count` (for `*TimeMs`: milliseconds);
 * - composite attributes (`java.lang:type=Memory` HeapMemoryUsage): `<name>.<key>`.
 * Non-numeric and non-finite values are left out.
 */

/** One Jolokia bulk-read request (POST `/jolokia/` body item). `mbean` may be an ObjectName pattern. */
export interface JolokiaRead {
  type: 'read'
  mbean: string
  attribute?: string[]
}

/** The MBeans read for each metrics request. Patterns (`name=*`) match only MBeans with exactly these keys (no per-topic ones). */
export const METRIC_READS: readonly JolokiaRead[] = [
  { type: 'read', mbean: 'kafka.server:type=ReplicaManager,name=*' },
  { type: 'read', mbean: 'kafka.controller:type=KafkaController,name=*' },
  { type: 'read', mbean: 'kafka.server:type=BrokerTopicMetrics,name=*' },
  { type: 'read', mbean: 'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce' },
  { type: 'read', mbean: 'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=FetchConsumer' },
  { type: 'read', mbean: 'kafka.network:type=RequestMetrics,name=TotalTimeMs,request=FetchFollower' },
  { type: 'read', mbean: 'kafka.server:type=KafkaRequestHandlerPool,name=RequestHandlerAvgIdlePercent' },
  { type: 'read', mbean: 'kafka.network:type=SocketServer,name=NetworkProcessorAvgIdlePercent' },
  { type: 'read', mbean: 'kafka.server:type=KafkaServer,name=BrokerState' },
  { type: 'read', mbean: 'kafka.server:type=raft-metrics' },
  { type: 'read', mbean: 'java.lang:type=Memory', attribute: ['HeapMemoryUsage'] },
  { type: 'read', mbean: 'java.lang:type=Threading', attribute: ['ThreadCount'] },
]

/** One item of Jolokia's bulk-read answer. `status` 200 carries `value`; others (404 for an absent MBean) `error`. */
export interface JolokiaResponse {
  status: number
  request: { mbean?: string }
  value?: unknown
  error?: string
}

/** Histogram/timer attributes and the suffix each one gets (`Mean` is the bare name). */
const HISTOGRAM: ReadonlyArray<[string, string]> = [
  ['Mean', ''],
  ['50thPercentile', '_p50'],
  ['95thPercentile', '_p95'],
  ['99thPercentile', '_p99'],
  ['999thPercentile', '_p999'],
  ['Max', '_max'],
  ['Count', '_count'],
]

/**
 * Metric base name of an ObjectName: `domain,type,name[,k=v...]` (keys other than type and name
 * in their ObjectName order). @returns undefined for a string that is not an ObjectName
 */
export function metricName(objectName: string): string | undefined {
  const colon = objectName.indexOf(':')
  if (colon <= 0) return undefined
  const domain = objectName.slice(0, colon)
  const props = objectName
    .slice(colon + 1)
    .split(',')
    .map((p) => {
      const eq = p.indexOf('=')
      return eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)]
    })
  const get = (k: string) => props.find(([key]) => key === k)?.[1]
  const rest = props.filter(([k]) => k !== 'type' && k !== 'name').map(([k, v]) => `${k}=${v}`)
  return [domain, get('type'), get('name'), ...rest].filter((s): s is string => s !== undefined && s !== '').join(',')
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

/** Flattens the attributes of one MBean into `out` (see the module doc for the rules). */
export function flattenMBean(objectName: string, attrs: Record<string, unknown>, out: Record<string, number>): void {
  const base = metricName(objectName)
  if (!base) return
  const hasName = /[:,]name=/.test(objectName)
  const put = (k: string, v: unknown) => {
    const n = num(v)
    if (n !== undefined) out[k] = n
  }
  if ('Value' in attrs) return put(base, attrs.Value)
  if ('50thPercentile' in attrs || 'Mean' in attrs) {
    for (const [a, suffix] of HISTOGRAM) put(base + suffix, attrs[a])
    return
  }
  if ('OneMinuteRate' in attrs) {
    put(base, attrs.OneMinuteRate)
    if (!base.endsWith('Percent')) put(`${base}_count`, attrs.Count) // an idle-percent meter counts nanoseconds
    return
  }
  for (const [a, v] of Object.entries(attrs)) {
    const key = hasName ? `${base}_${a}` : `${base},${a}`
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [k, sub] of Object.entries(v as Record<string, unknown>)) put(`${key}.${k}`, sub)
    } else put(key, v)
  }
}

/**
 * Turns Jolokia's bulk-read answer for {@link METRIC_READS} into the flat map (without `timestamp`).
 * Failed items (an MBean this node does not have, e.g. controller metrics on a broker) are skipped.
 */
export function flattenJolokia(responses: readonly JolokiaResponse[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of responses) {
    if (r.status !== 200 || !r.value || typeof r.value !== 'object') continue
    const mbean = r.request.mbean ?? ''
    if (mbean.includes('*')) {
      for (const [name, attrs] of Object.entries(r.value as Record<string, unknown>)) {
        if (attrs && typeof attrs === 'object') flattenMBean(name, attrs as Record<string, unknown>, out)
      }
    } else flattenMBean(mbean, r.value as Record<string, unknown>, out)
  }
  return out
}
