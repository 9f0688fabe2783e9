/** Whether a broker may stop, or may be left, during a rolling restart: ISR, min.insync.replicas, reassignments. */

/**
 * Replication checks for rolling restarts, read through Kafka's Admin API:
 *
 * - mesos/kafka (`src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`,
 *   `restart`): after a broker restarts, wait until every partition of every topic has ISR ==
 *   replicas before the next broker;
 * - Strimzi's `KafkaAvailability.wouldAffectAvailability`
 *   (`cluster-operator/src/main/java/io/strimzi/operator/cluster/operator/resource/KafkaAvailability.java`):
 *   never stop a broker whose absence would leave a partition under its topic's
 *   `min.insync.replicas`;
 * - past both: no roll while a partition reassignment is running (its replicas are in flux).
 */

import type { Admin } from 'kafkajs'

/** One partition as the Metadata API reports it. Broker ids. */
export interface PartitionState {
  topic: string
  partition: number
  replicas: number[]
  isr: number[]
}

/** What the checks read from Kafka in one go. */
export interface ReplicationSnapshot {
  partitions: PartitionState[]
  /** topic → its effective `min.insync.replicas` (topic override or broker default) */
  minIsr: Map<string, number>
  /** `topic-partition` names with a reassignment in progress */
  reassigning: string[]
}

const sameSet = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x) => b.includes(x))
const name = (p: PartitionState) => `${p.topic}-${p.partition}`

/** Partitions whose ISR is not the full replica set (mesos/kafka's "not in sync"). */
export function outOfSync(partitions: readonly PartitionState[]): PartitionState[] {
  return partitions.filter((p) => !sameSet(p.isr, p.replicas))
}

/**
 * Why stopping `broker` now would hurt availability, as Strimzi's rule, per partition with a replica
 * on it (empty = safe to stop):
 * - replicas ≤ min.insync.replicas: the partition can't take acks=all writes with any replica
 *   down anyway, so restarting does not make it worse: allowed;
 * - ISR < min.insync.replicas and the broker holds a replica: the partition is already under
 *   min ISR; wait for it to recover;
 * - ISR == min.insync.replicas and the broker is in the ISR: its absence drops the ISR below min.
 */
export function minIsrBlockers(broker: number, snap: Pick<ReplicationSnapshot, 'partitions' | 'minIsr'>): string[] {
  const out: string[] = []
  for (const p of snap.partitions) {
    const min = snap.minIsr.get(p.topic)
    if (min === undefined || !p.replicas.includes(broker)) continue
    if (p.replicas.length <= min) continue
    if (p.isr.length < min)
      out.push(`${name(p)} is already under min.insync.replicas=${min} (ISR [${p.isr.join(',')}])`)
    else if (p.isr.length === min && p.isr.includes(broker))
      out.push(`${name(p)} would drop under min.insync.replicas=${min} (ISR [${p.isr.join(',')}])`)
  }
  return out
}

/**
 * Why the roll must wait before stopping `broker` (empty = go): a reassignment in progress, and
 * unless `waitForSync` is false, partitions out of sync; always Strimzi's min ISR rule.
 */
export function rollBlockers(broker: number, snap: ReplicationSnapshot, waitForSync = true): string[] {
  const out: string[] = []
  if (snap.reassigning.length > 0)
    out.push(
      `partition reassignment in progress: ${snap.reassigning.slice(0, 5).join(', ')}${snap.reassigning.length > 5 ? ', ...' : ''}`,
    )
  if (waitForSync) {
    const lagging = outOfSync(snap.partitions)
    if (lagging.length > 0)
      out.push(
        `${lagging.length} partition(s) not in sync: ${lagging
          .slice(0, 5)
          .map((p) => `${name(p)} ISR [${p.isr.join(',')}] of [${p.replicas.join(',')}]`)
          .join(', ')}${lagging.length > 5 ? ', ...' : ''}`,
      )
  }
  out.push(...minIsrBlockers(broker, snap))
  return out
}

/**
 * Why the roll must wait after a broker started again (empty = go on, mesos/kafka's rule): a
 * reassignment in progress, and every partition whose ISR is not its full replica set.
 */
export function catchUpBlockers(snap: Pick<ReplicationSnapshot, 'partitions' | 'reassigning'>): string[] {
  return [
    ...(snap.reassigning.length ? [`reassignment in progress`] : []),
    ...outOfSync(snap.partitions).map(
      (p) => `${p.topic}-${p.partition} ISR [${p.isr.join(',')}] of [${p.replicas.join(',')}]`,
    ),
  ]
}

/**
 * Reads every topic's partitions (Metadata), each topic's effective `min.insync.replicas`
 * (DescribeConfigs) and the ongoing reassignments (ListPartitionReassignments).
 * @throws kafkajs errors when Kafka can't be reached
 */
export async function readReplication(admin: Admin): Promise<ReplicationSnapshot> {
  const { topics } = await admin.fetchTopicMetadata()
  const partitions: PartitionState[] = topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionId, replicas: p.replicas, isr: p.isr })),
  )
  const minIsr = new Map<string, number>()
  if (topics.length > 0) {
    const res = await admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((t) => ({
        type: 2 /* ConfigResourceTypes.TOPIC */,
        name: t.name,
        configNames: ['min.insync.replicas'],
      })),
    })
    for (const r of res.resources) {
      const v = r.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue
      if (v !== undefined && /^\d+$/.test(v)) minIsr.set(r.resourceName, Number(v))
    }
  }
  const ongoing = await admin.listPartitionReassignments({})
  // kafkajs 2.2.4's types say `topic` and `partitionIndex`; its decoder yields `name` and `partition` (as kafka/rebalance.ts reads them)
  type Ongoing = { topic?: string; name?: string; partitions: Array<{ partitionIndex?: number; partition?: number }> }
  const reassigning = (ongoing.topics as Ongoing[]).flatMap((t) =>
    t.partitions.map((p) => `${t.name ?? t.topic}-${p.partition ?? p.partitionIndex}`),
  )
  return { partitions, minIsr, reassigning }
}
