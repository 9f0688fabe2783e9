/** The task data (`TaskInfo.data`) the scheduler gives each Kafka node's executor: role, node id, quorum, listener, settings. */

import { z } from 'zod'
import { newKafkaUuid } from './kafka-uuid.js'

/**
 * The contract between the scheduler and the executor: `TaskInfo.data` is the base64 of this JSON.
 * The scheduler owns the KRaft quorum (node ids, cluster id, quorum endpoints, formatting mode); the
 * executor only renders `server.properties` from it, formats storage once and starts the JVM.
 *
 * Shape (units in the field docs):
 * ```
 * { role: 'broker' | 'controller', nodeId: 0, clusterId: '<22 base64url chars>', host: '127.0.1.1',
 *   port: 31000, quorum: '127.0.1.2:31005', format: 'standalone' | 'no-initial-controllers',
 *   heapMb: 256, options: {k: v}, jvmOptions: '', javaCmd: 'java', rack?: 'r1', internalTopicRf?: 3,
 *   bindAddress?: '192.168.50.*', syslog: false, syslogTag?: 'kafka-0', log4jOptions: {k: v},
 *   volume?: { id: 'kafka-0', containerPath: 'data' } }
 * ```
 */
export const KafkaTaskDataSchema = z.object({
  /** `process.roles`: a broker, a KRaft controller, or a combined `broker,controller` node (tiny clusters). */
  role: z.enum(['broker', 'controller', 'broker,controller']),
  /** Kafka `node.id`, unique across brokers and controllers. */
  nodeId: z.number().int().nonnegative(),
  /** KRaft cluster id (`kafka-storage random-uuid` form: 22 chars of base64url), same on all nodes. */
  clusterId: z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'clusterId must be 22 base64url characters'),
  /** Listener host: the agent's hostname or ip from the offer; never 0.0.0.0 (Kafka docs: `advertised.listeners` may not be a wildcard). */
  host: z.string().min(1),
  /** Listener port from the offer's `ports` resource (the broker listener of a combined node). */
  port: z.number().int().min(1).max(65535),
  /** Combined `broker,controller` nodes: the CONTROLLER listener port (a second offered port). */
  controllerPort: z.number().int().min(1).max(65535).optional(),
  /** `controller.quorum.bootstrap.servers`: comma list of controller `host:port`. */
  quorum: z.string().min(1),
  /**
   * Storage format mode on first start: `standalone` (sole initial voter), `initial-controllers`
   * (a new multi-voter dynamic quorum, KIP-853: every voter is formatted with the same
   * `initialControllers` list) or `no-initial-controllers` (brokers, and controllers added later).
   */
  format: z.enum(['standalone', 'initial-controllers', 'no-initial-controllers']),
  /** With `format: initial-controllers`: `id@host:port:directoryId,...`, identical on every voter. */
  initialControllers: z
    .string()
    .regex(
      /^\d+@[^@,:]+:\d+:[A-Za-z0-9_-]{22}(,\d+@[^@,:]+:\d+:[A-Za-z0-9_-]{22})*$/,
      'initialControllers must be id@host:port:directoryId,...',
    )
    .optional(),
  /** JVM heap, MB; used for both `-Xmx` and `-Xms`. */
  heapMb: z.number().int().min(64),
  /** User `server.properties` overrides, applied last; `$id` in a value becomes the node id. */
  options: z.record(z.string(), z.string()).default({}),
  /** Extra JVM arguments, split on whitespace. */
  jvmOptions: z.string().default(''),
  /** The java executable to run (path or name on PATH). */
  javaCmd: z.string().min(1).default('java'),
  /** `broker.rack`, when set. */
  rack: z.string().min(1).optional(),
  /** mesos/kafka `--bind-address` (bind-address.ts), resolved by the executor on the agent; brokers only. */
  bindAddress: z.string().min(1).optional(),
  /** Also log to the local syslog (log4j.ts); the app name is `syslogTag`. */
  syslog: z.boolean().default(false),
  /** Syslog app name, mesos/kafka's `MESOS_SYSLOG_TAG` (`<framework>-<id>`). */
  syslogTag: z.string().min(1).optional(),
  /** log4j2 overrides `k=v` (log4j.ts); `$id` in a value becomes the node id. */
  log4jOptions: z.record(z.string(), z.string()).default({}),
  /**
   * The persistent volume among the task's resources (KafkaNode.volume, `$id` already replaced): its
   * `disk.persistence.id` and `disk.volume.container_path`, relative to the sandbox, where the agent
   * links it. The data dir (`log.dirs`) is then `<sandbox>/<containerPath>/kafka-logs` (mesos/kafka `--volume`,
   * `Broker.scala` and `scheduler/mesos/MesosTaskFactory.scala`).
   */
  volume: z
    .object({
      id: z.string().min(1),
      containerPath: z
        .string()
        .min(1)
        .refine(
          (p) => !p.startsWith('/') && !p.split('/').includes('..'),
          'containerPath must be relative to the sandbox, without ..',
        ),
    })
    .optional(),
  /** Replication factor of the internal topics (offsets, transaction state, share state); default min(3, brokers) chosen by the scheduler. */
  internalTopicRf: z.number().int().min(1).optional(),
  /**
   * The Kafka archive the task fetches: its file name in the sandbox and its sha256 (64 hex digits),
   * as the scheduler serves it. The executor checks the archive before it starts Kafka and fails the
   * task (TASK_FAILED, `KM_ERR_ARTIFACT_DIGEST`) when the two differ.
   */
  kafkaArchive: z
    .object({
      name: z.string().regex(/^[^/\\]+$/, 'kafkaArchive.name must be a file name'),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'kafkaArchive.sha256 must be 64 lowercase hex digits'),
    })
    .optional(),
})

/** Parsed task data; see {@link KafkaTaskDataSchema}. */
export type KafkaTaskData = z.infer<typeof KafkaTaskDataSchema>
/** Task data as the scheduler may write it (defaults not yet applied). */
export type KafkaTaskDataInput = z.input<typeof KafkaTaskDataSchema>

/** Encodes task data as `TaskInfo.data` (base64 of the JSON). Validates first. @throws z.ZodError */
export function encodeTaskData(data: KafkaTaskDataInput): string {
  return Buffer.from(JSON.stringify(KafkaTaskDataSchema.parse(data)), 'utf8').toString('base64')
}

/** Decodes `TaskInfo.data` (base64 JSON). @throws Error with the zod issues when it is not valid task data */
export function decodeTaskData(base64: string): KafkaTaskData {
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(base64, 'base64').toString('utf8'))
  } catch (e) {
    throw new Error(`task data is not base64 JSON: ${(e as Error).message}`)
  }
  const r = KafkaTaskDataSchema.safeParse(json)
  if (!r.success) throw new Error(`invalid task data: ${z.prettifyError(r.error)}`)
  return r.data
}

/**
 * A new KRaft cluster id: a Kafka Uuid ({@link newKafkaUuid}), 22 base64url characters never
 * starting with `-`.
 */
export function newClusterId(): string {
  return newKafkaUuid()
}
