/** When a KRaft controller may stop during a rolling restart, and when it has caught up again after its restart. */

/*
 * The rule of Strimzi's KafkaQuorumCheck
 * (`cluster-operator/src/main/java/io/strimzi/operator/cluster/operator/resource/KafkaQuorumCheck.java`):
 * a controller stops only while the other voters can still form a majority that is caught up with
 * the leader; read from DescribeQuorum v2 (KIP-836's lastCaughtUpTimestamp).
 */

/** The voters of the quorum as DescribeQuorum reports them (kafka/wire describe-quorum.ts). */
export interface QuorumView {
  leaderId: number
  voters: ReadonlyArray<{ replicaId: number; lastCaughtUpTimestamp: number }>
}

/** A voter counts as caught up when the leader saw it reach its log end within this many ms. */
export const CAUGHT_UP_MS = 5_000

/**
 * Why controller `id` must not stop now (empty = it may): the other voters, counting the leader
 * and those caught up within {@link CAUGHT_UP_MS}, must form a majority of the voter set. A quorum
 * of one voter has no one else: it may stop (metadata is unavailable until it is back).
 */
export function controllerBlockers(id: number, q: QuorumView, now = Date.now()): string[] {
  const n = q.voters.length
  if (n <= 1) return []
  const majority = Math.floor(n / 2) + 1
  const others = q.voters.filter((v) => v.replicaId !== id)
  const ready = others.filter(
    (v) =>
      v.replicaId === q.leaderId || (v.lastCaughtUpTimestamp >= 0 && now - v.lastCaughtUpTimestamp <= CAUGHT_UP_MS),
  )
  if (ready.length >= majority) return []
  const behind = others.filter((v) => !ready.includes(v)).map((v) => v.replicaId)
  return [
    `KRaft quorum: only ${ready.length} of the ${n - 1} other voters are caught up (${behind.join(',')} behind), ${majority} needed for a majority without controller ${id}`,
  ]
}

/** Why the roll must wait after controller `id` started (empty = go on): it is a voter and caught up again. */
export function controllerCatchUpBlockers(id: number, q: QuorumView, now = Date.now()): string[] {
  const v = q.voters.find((x) => x.replicaId === id)
  if (!v) return [`controller ${id} is not among the voters yet`]
  if (id === q.leaderId) return []
  if (v.lastCaughtUpTimestamp < 0 || now - v.lastCaughtUpTimestamp > CAUGHT_UP_MS)
    return [`controller ${id} has not caught up with the leader ${q.leaderId} yet`]
  return []
}
