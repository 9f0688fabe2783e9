/** Replica assignment: Kafka's `assignReplicasToBrokers` and mesos/kafka's realign, as pure functions. */

import { KmError } from '../../errors/index.js'

/**
 * Replica assignment, pure functions (no Kafka connection).
 *
 * - {@link assignReplicas}: Kafka's own rack-unaware algorithm, `AdminUtils.assignReplicasToBrokers`
 *   (apache/kafka `server-common/src/main/java/org/apache/kafka/admin/AdminUtils.java`, formerly
 *   `core/.../admin/AdminUtils.scala`), which mesos/kafka used for `topic add` and `topic rebalance`
 *   (`src/scala/main/ly/stealth/mesos/kafka/scheduler/Rebalancer.scala`). Rack spreading is done before, by ordering the broker
 *   list with `interleaveByAttributes` (brokers/expr.ts), exactly as mesos/kafka did.
 * - {@link realign}: mesos/kafka's `Rebalancer.getRealignments` ("move only what must move").
 *
 * Assignments are `Record<partition, replicas>`: the first replica is the preferred leader.
 */

/** A partition → replica broker ids map; `replicas[0]` is the preferred leader. */
export type Assignment = Record<number, number[]>

/** Bad assignment input. `field` names the request parameter at fault (`replicas`, `partitions`, `broker`). */
export class AssignmentError extends KmError {
  constructor(
    readonly field: 'replicas' | 'partitions' | 'broker' | 'fixedStartIndex' | 'startPartitionId',
    message: string,
  ) {
    super('KM_ERR_ASSIGNMENT', `${field}: ${message}`, { status: 400 })
  }
}

/** Inputs of {@link assignReplicas}. */
export interface AssignOptions {
  /** broker ids in placement order (rack-interleaved by the caller); duplicates are an error */
  brokers: readonly number[]
  /** number of partitions to assign, ≥ 1 */
  partitions: number
  /** replication factor, 1..brokers.length */
  replicas: number
  /**
   * Index into `brokers` of partition `startPartitionId`'s first replica; it also seeds the replica
   * shift. -1 (default) = random, as Kafka.
   */
  fixedStartIndex?: number
  /** id of the first partition assigned (e.g. when adding partitions); -1 (default) = 0, as Kafka */
  startPartitionId?: number
  /** random int in [0, n) used when an index is -1; tests inject a fixed one */
  random?: (n: number) => number
}

const defaultRandom = (n: number) => Math.floor(Math.random() * n)

/**
 * Kafka's replica shift for the (j+2)-th replica: `1 + (shift + j) % (n - 1)` positions after the
 * first replica (AdminUtils.replicaIndex). Never 0 and never n, so replicas are distinct.
 */
function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, j: number, n: number): number {
  const shift = 1 + ((secondReplicaShift + j) % (n - 1))
  return (firstReplicaIndex + shift) % n
}

function checkInt(field: AssignmentError['field'], value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new AssignmentError(field, `expected a whole number of at least ${min}, got ${value}`)
}

/**
 * Assigns `partitions` partitions with `replicas` replicas each over `brokers`, with the semantics
 * of Kafka's `AdminUtils.assignReplicasToBrokersRackUnaware`:
 *
 * 1. `startIndex` and the initial `nextReplicaShift` are both `fixedStartIndex`, or each random in
 *    [0, n) when it is -1;
 * 2. partition ids run from `max(0, startPartitionId)`; whenever an id > 0 is a multiple of n, the
 *    replica shift grows by one (so later rounds don't repeat the same follower sets);
 * 3. the first replica is `brokers[(id + startIndex) % n]` (round-robin), the others
 *    `brokers[(first + 1 + (shift + j) % (n - 1)) % n]` for j = 0..RF-2.
 *
 * Kafka's own documented example (AdminUtils javadoc; also `AdminTest.testReplicaAssignment`):
 * brokers 0..4, 10 partitions, RF 3, fixedStartIndex 0 gives p0=[0,1,2] … p4=[4,0,1],
 * p5=[0,2,3] … p9=[4,1,2].
 *
 * @returns partition id → replicas (distinct broker ids, `replicas` of them)
 * @throws AssignmentError `partitions` < 1, `replicas` < 1, `replicas` > brokers (Kafka's
 *   "Replication factor: R larger than available brokers: N."), duplicate or no brokers, or an index < -1
 */
export function assignReplicas(opts: AssignOptions): Assignment {
  const { brokers, partitions, replicas } = opts
  const fixedStartIndex = opts.fixedStartIndex ?? -1
  const startPartitionId = opts.startPartitionId ?? -1
  const random = opts.random ?? defaultRandom
  checkInt('partitions', partitions, 1)
  checkInt('replicas', replicas, 1)
  checkInt('fixedStartIndex', fixedStartIndex, -1)
  checkInt('startPartitionId', startPartitionId, -1)
  if (brokers.length === 0) throw new AssignmentError('broker', 'no brokers to assign replicas to')
  if (new Set(brokers).size !== brokers.length)
    throw new AssignmentError('broker', `duplicate broker ids in ${brokers.join(',')}`)
  if (replicas > brokers.length) {
    throw new AssignmentError(
      'replicas',
      `Replication factor: ${replicas} larger than available brokers: ${brokers.length}.`,
    )
  }

  const n = brokers.length
  const startIndex = fixedStartIndex >= 0 ? fixedStartIndex : random(n)
  let nextReplicaShift = fixedStartIndex >= 0 ? fixedStartIndex : random(n)
  let id = Math.max(0, startPartitionId)
  const out: Assignment = {}
  for (let i = 0; i < partitions; i++, id++) {
    if (id > 0 && id % n === 0) nextReplicaShift += 1
    const first = (id + startIndex) % n
    const list = [brokers[first]]
    for (let j = 0; j < replicas - 1; j++) list.push(brokers[replicaIndex(first, nextReplicaShift, j, n)])
    out[id] = list
  }
  return out
}

/** Inputs of {@link realign}. */
export interface RealignOptions {
  /** allowed broker ids, in placement order */
  brokers: readonly number[]
  /** the target replication factor, or -1 (default) = keep each partition's current count */
  replicas?: number
  /** where the replacement cursor starts in `brokers`; -1 (default) = random */
  fixedStartIndex?: number
  random?: (n: number) => number
}

/**
 * mesos/kafka's realign (`Rebalancer.getRealignments`): only partitions whose replica count ≠
 * RF or that have a replica outside `brokers` change. For those, the allowed current replicas are
 * kept (capped at RF), then topped up from `brokers` with a rotating cursor shared by all
 * partitions, skipping brokers already present.
 *
 * Two deliberate differences from mesos/kafka, both moving less or fixing a bug:
 * - kept replicas stay in their current order (mesos/kafka re-sorted them in broker-list order,
 *   which changed preferred leaders for no reason);
 * - the cursor advances by one per attempt; mesos/kafka advanced it by the attempt count, which
 *   with 3 brokers never reaches the third one.
 *
 * @param current the current assignment of one topic
 * @returns only the partitions that change, with their new replicas
 * @throws AssignmentError (`broker`) "not enough candidate brokers to satisfy request" when RF
 *   brokers can't be found (mesos/kafka's message)
 */
export function realign(current: Assignment, opts: RealignOptions): Assignment {
  const { brokers } = opts
  const rfOpt = opts.replicas ?? -1
  const fixedStartIndex = opts.fixedStartIndex ?? -1
  if (rfOpt !== -1) checkInt('replicas', rfOpt, 1)
  checkInt('fixedStartIndex', fixedStartIndex, -1)
  if (brokers.length === 0) throw new AssignmentError('broker', 'no brokers to assign replicas to')
  const allowed = new Set(brokers)
  let cursor =
    (fixedStartIndex >= 0 ? fixedStartIndex : (opts.random ?? defaultRandom)(brokers.length)) % brokers.length
  const out: Assignment = {}
  for (const p of Object.keys(current)
    .map(Number)
    .sort((a, b) => a - b)) {
    const members = current[p]
    const rf = rfOpt === -1 ? members.length : rfOpt
    if (members.length === rf && members.every((b) => allowed.has(b))) continue
    const next = members.filter((b) => allowed.has(b)).slice(0, rf)
    for (let attempts = 0; next.length < rf && attempts < brokers.length; attempts++) {
      const candidate = brokers[cursor]
      if (!next.includes(candidate)) next.push(candidate)
      cursor = (cursor + 1) % brokers.length
    }
    if (next.length < rf) throw new AssignmentError('broker', 'not enough candidate brokers to satisfy request')
    out[p] = next
  }
  return out
}

/** True when both assignments have the same partitions with the same replicas in the same order. */
export function sameAssignment(a: Assignment, b: Assignment): boolean {
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  return ka.every((p) => {
    const x = a[Number(p)]
    const y = b[Number(p)]
    return y !== undefined && x.length === y.length && x.every((v, i) => v === y[i])
  })
}
