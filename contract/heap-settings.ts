/** Kafka settings that depend on the JVM heap: what is derived from `--heap`, and the heap, mem and options that cannot start a broker. */

import type { KafkaTaskData } from './task-data.js'

/**
 * A Kafka broker allocates some of its memory on the heap at start, whatever traffic it will see.
 * The big one is the log cleaner (Kafka docs, "Broker Configs": `log.cleaner.dedupe.buffer.size`,
 * default 128 MiB, and `log.cleaner.io.buffer.size`, default 512 KiB, both "total memory ... across all
 * cleaner threads"): `LogCleaner.startup` builds one `CleanerThread` per `log.cleaner.threads`, and each
 * allocates `dedupe / threads` bytes for its `SkimpyOffsetMap` and two I/O buffers of
 * `io / threads / 2` bytes with `ByteBuffer.allocate`, on the heap
 * (`storage/src/main/java/org/apache/kafka/storage/internals/log/LogCleaner.java`, `SkimpyOffsetMap.java`,
 * `Cleaner.java`). A 128 MB heap cannot hold the 128 MiB default, and the broker dies at start with
 * `OutOfMemoryError: Java heap space` from LogManager's start-up.
 *
 * The rules (docs/scheduler.md, "Heap-aware settings"):
 * - derived: unless the user sets it, `log.cleaner.dedupe.buffer.size` is an eighth of the heap, at
 *   most Kafka's 128 MiB default (so a heap of 1 GB or more keeps Kafka's default);
 * - refused at `broker add|update`: the cleaner's buffers the user set taking more than half the heap,
 *   a heap below {@link MIN_BROKER_HEAP_MB}, and a `mem` below heap + {@link JVM_OVERHEAD_MB} +
 *   {@link EXECUTOR_MB}.
 */

const MiB = 1024 * 1024
/** Kafka's default `log.cleaner.dedupe.buffer.size`, bytes (`CleanerConfig.java`). */
export const KAFKA_DEDUPE_BUFFER_DEFAULT = 128 * MiB
/** Kafka's default `log.cleaner.io.buffer.size`, bytes (`CleanerConfig.java`). */
export const KAFKA_IO_BUFFER_DEFAULT = 512 * 1024
/** The derived dedupe buffer is this fraction of the heap. */
export const DEDUPE_HEAP_FRACTION = 1 / 8
/** The cleaner's buffers (dedupe + I/O) may take at most this fraction of the heap; the rest is the broker's. */
export const CLEANER_HEAP_LIMIT = 1 / 2
/** Smallest heap a broker starts with here, MB (measured: Kafka 4.4.0 serves produce and fetch at 128 MB). */
export const MIN_BROKER_HEAP_MB = 128
/**
 * Memory a Kafka JVM uses beyond its heap, MB: metaspace (about 60 MB of classes for Kafka 4.4.0),
 * the code cache, thread stacks, the G1 collector's structures and direct network buffers. Measured
 * here at heap 128: 195 MB resident after start, so about 70 MB beyond the heap, kept with margin for load.
 */
export const JVM_OVERHEAD_MB = 160
/** Memory of the executor beside the JVM (a Node.js process), MB; `npm run bench` (bench/fleet.ts) measured 72 MB resident per executor with 20 brokers running. */
export const EXECUTOR_MB = 80

/** Which option, or `heap`/`mem`, makes the combination impossible, and the message naming the fix. */
export interface SizingProblem {
  field: 'heap' | 'mem' | 'options'
  message: string
}

/** What the rules read of a node: its role, heap and mem (MB) and user options. */
export interface Sizing {
  role: KafkaTaskData['role']
  heapMb: number
  memMb: number
  options: Readonly<Record<string, string>>
}

const mb = (bytes: number) => `${Math.round((bytes / MiB) * 10) / 10} MB`

/** True when the node runs Kafka's log manager, hence the log cleaner: brokers and combined nodes, unless the cleaner is off. */
function runsCleaner(role: Sizing['role'], options: Readonly<Record<string, string>>): boolean {
  return role !== 'controller' && options['log.cleaner.enable']?.trim().toLowerCase() !== 'false'
}

/** The derived `log.cleaner.dedupe.buffer.size` for a heap: an eighth of it, at most Kafka's default; bytes. */
export function derivedDedupeBytes(heapMb: number): number {
  return Math.min(KAFKA_DEDUPE_BUFFER_DEFAULT, Math.floor(heapMb * MiB * DEDUPE_HEAP_FRACTION))
}

/**
 * The settings kafka-mesos derives from the heap for a node, the ones the user did not set: at most
 * `log.cleaner.dedupe.buffer.size` (brokers and combined nodes running the cleaner). Pure.
 */
export function heapDerivedOptions(data: Pick<KafkaTaskData, 'role' | 'heapMb' | 'options'>): Record<string, string> {
  if (!runsCleaner(data.role, data.options) || data.options['log.cleaner.dedupe.buffer.size'] !== undefined) return {}
  return { 'log.cleaner.dedupe.buffer.size': String(derivedDedupeBytes(data.heapMb)) }
}

/** A byte count option as Kafka reads a LONG/INT config: decimal digits. @returns the bytes, or a message */
function bytesOption(options: Readonly<Record<string, string>>, key: string, dflt: number): number | string {
  const raw = options[key]
  if (raw === undefined) return dflt
  const t = raw.trim()
  if (!/^\d+$/.test(t)) return `options: ${key} must be a number of bytes such as 16777216 (16 MB), got "${raw}"`
  return Number(t)
}

/** The smallest heap (MB) whose half holds the cleaner's buffers: `dedupe` as set, or derived from that heap when undefined. */
function minHeapForCleaner(dedupe: number | undefined, io: number): number {
  const fits = (h: number) => (dedupe ?? derivedDedupeBytes(h)) + io <= h * MiB * CLEANER_HEAP_LIMIT
  let lo = 1
  let hi = 1
  while (!fits(hi)) hi *= 2
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (fits(mid)) hi = mid
    else lo = mid + 1
  }
  return Math.max(lo, MIN_BROKER_HEAP_MB)
}

/**
 * The first reason a node with this heap, mem and options cannot start, or undefined when it can.
 * Checked by `broker add|update` (a 400 naming the option and the fix). See the module doc.
 */
export function sizingProblem(s: Sizing): SizingProblem | undefined {
  const brokerRole = s.role !== 'controller'
  if (brokerRole && s.heapMb < MIN_BROKER_HEAP_MB)
    return {
      field: 'heap',
      message: `heap: ${s.heapMb} MB is too small for a Kafka broker: give --heap ${MIN_BROKER_HEAP_MB} or more`,
    }
  if (runsCleaner(s.role, s.options)) {
    const dedupe = bytesOption(s.options, 'log.cleaner.dedupe.buffer.size', derivedDedupeBytes(s.heapMb))
    if (typeof dedupe === 'string') return { field: 'options', message: dedupe }
    const io = bytesOption(s.options, 'log.cleaner.io.buffer.size', KAFKA_IO_BUFFER_DEFAULT)
    if (typeof io === 'string') return { field: 'options', message: io }
    const half = s.heapMb * MiB * CLEANER_HEAP_LIMIT
    if (dedupe + io > half) {
      const userDedupe = s.options['log.cleaner.dedupe.buffer.size'] !== undefined
      const userIo = s.options['log.cleaner.io.buffer.size'] !== undefined
      // the culprit: the bigger of the buffers the user set
      const key =
        userDedupe && (!userIo || dedupe >= io) ? 'log.cleaner.dedupe.buffer.size' : 'log.cleaner.io.buffer.size'
      const max = Math.floor(half - (key === 'log.cleaner.io.buffer.size' ? dedupe : io))
      const minHeapMb = minHeapForCleaner(userDedupe ? dedupe : undefined, io)
      const fixes = [
        ...(max >= MiB ? [`set ${key} to at most ${max} (${mb(max)})`] : []),
        `raise --heap to ${minHeapMb} or more`,
        ...(userDedupe
          ? ['leave log.cleaner.dedupe.buffer.size unset (kafka-mesos then uses an eighth of the heap)']
          : []),
      ]
      return {
        field: 'options',
        message:
          `options: ${key} leaves too little of the ${s.heapMb} MB heap: Kafka's log cleaner allocates ` +
          `log.cleaner.dedupe.buffer.size (${mb(dedupe)}) and log.cleaner.io.buffer.size (${mb(io)}) on the heap at start, ` +
          `and with more than half the heap the broker dies with OutOfMemoryError; ${fixes.join(', or ')}`,
      }
    }
  }
  const minMem = s.heapMb + JVM_OVERHEAD_MB + EXECUTOR_MB
  if (s.memMb < minMem)
    return {
      field: 'mem',
      message:
        `mem: ${s.memMb} MB cannot hold a ${s.heapMb} MB heap: the task's memory covers the heap, about ${JVM_OVERHEAD_MB} MB ` +
        `the JVM uses beyond it and ${EXECUTOR_MB} MB for the executor (agents kill a task over its mem); ` +
        `give --mem ${minMem} or more, or lower --heap to ${Math.max(0, s.memMb - JVM_OVERHEAD_MB - EXECUTOR_MB)} or less`,
    }
  return undefined
}
