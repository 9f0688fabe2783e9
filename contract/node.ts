/** The one schema of a Kafka node (broker or KRaft controller) as the scheduler keeps it: the state file's shape and the `KafkaNode` type. */

import { z } from 'zod'

/**
 * Fields and defaults follow mesos/kafka's `Broker` (`src/scala/main/ly/stealth/mesos/kafka/Broker.scala`):
 * cpus 1, mem 2048 MB, heap 1024 MB, stickiness period 10m, failover delay 1m, max delay 10m. The
 * REST JSON (node-json.ts) is derived from these pieces; see docs/contract.md.
 */

/**
 * Kafka `process.roles` of a node: a broker, a KRaft controller run by the scheduler, or a combined
 * `broker,controller` node (for tiny clusters: a broker the user added that is also a voter).
 */
export const NodeRoleSchema = z.enum(['broker', 'controller', 'broker,controller'])
export type NodeRole = z.infer<typeof NodeRoleSchema>

/**
 * Task states of a node's task as the scheduler sees them (mesos/kafka `Broker.State`: pending,
 * starting, running, stopping, reconciling), plus `unreachable`: the master lost the task's agent
 * (TASK_UNREACHABLE); the task may still run there.
 */
export const NodeTaskStateSchema = z.enum(['pending', 'starting', 'running', 'stopping', 'reconciling', 'unreachable'])
export type NodeTaskState = z.infer<typeof NodeTaskStateSchema>

/** An inclusive port range `start..end` (range.ts is its text form). */
export const RangeSchema = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })

/** The task a node currently runs (mesos/kafka `Broker.Task`); the REST JSON shows it as it is. */
export const NodeTaskSchema = z.object({
  id: z.string(),
  slaveId: z.string(),
  executorId: z.string(),
  hostname: z.string(),
  /** `host:port` the node listens on; known from launch (mesos/kafka#310), confirmed by TASK_RUNNING. */
  endpoint: z.string(),
  /** Offer text attributes captured at launch, e.g. `{rack: 'r1'}`. */
  attributes: z.record(z.string(), z.string()),
  state: NodeTaskStateSchema,
  /** epoch ms since when the task's agent is unreachable (TASK_UNREACHABLE); unset once it is heard from again */
  unreachableSince: z.number().optional(),
})
export type NodeTask = z.infer<typeof NodeTaskSchema>

/** Stickiness (mesos/kafka `Broker.Stickiness`): the node prefers its last host for `periodMs` after it stopped. */
export const StickinessSchema = z.object({
  periodMs: z.number().nonnegative(),
  hostname: z.string().optional(),
  /** epoch ms of the stop (or of the first failure of a run of failures) */
  stopTime: z.number().optional(),
})
export type Stickiness = z.infer<typeof StickinessSchema>

/** Failover back-off (mesos/kafka `Broker.Failover`). Delays in ms. */
export const FailoverSchema = z.object({
  delayMs: z.number().nonnegative(),
  maxDelayMs: z.number().nonnegative(),
  maxTries: z.number().int().positive().optional(),
  failures: z.number().int().nonnegative(),
  /** epoch ms of the last failure */
  failureTime: z.number().optional(),
  /**
   * Why the last failure happened, one line: the TaskStatus.message of the failed task (the
   * executor names a recognised cause and its fix, executor/failure-cause.ts); unset once the node runs.
   */
  reason: z.string().optional(),
})
export type Failover = z.infer<typeof FailoverSchema>

/**
 * A Kafka node the scheduler manages: a broker the user added, or a KRaft controller the scheduler
 * runs itself. This is the shape of `brokers[]` and `controllers[]` in the state file
 * (scheduler/storage); unknown keys are dropped on load.
 */
export const NodeSchema = z.object({
  id: z.number().int().nonnegative(),
  role: NodeRoleSchema,
  /** Desired state: the scheduler keeps an active node running. */
  active: z.boolean(),
  cpus: z.number().positive(),
  /** task memory, MB */
  mem: z.number().int().positive(),
  /** Kafka JVM heap, MB */
  heap: z.number().int().positive(),
  /** port range to take the port from; undefined = the lowest offered port */
  port: RangeSchema.optional(),
  options: z.record(z.string(), z.string()),
  /**
   * Address Kafka listens on, resolved by the executor on the agent (bind-address.ts): a host name
   * or IP, `prefix*` (the agent's address or a local interface address starting with the prefix)
   * or `if:<nic>` (that interface's first IPv4 address). Undefined = the agent's address from the offer.
   */
  bindAddress: z.string().optional(),
  /** Also send Kafka's log to the local syslog (UDP localhost:514, facility USER), as mesos/kafka `--syslog`. */
  syslog: z.boolean().optional(),
  /**
   * Id of a pre-reserved persistent volume holding the broker's data (mesos/kafka `--volume`;
   * `$id` = the broker id): only offers with a `disk` of that `disk.persistence.id` match, the task
   * takes that disk as offered, and `log.dirs` = `<sandbox>/<container_path>/kafka-logs`
   * (scheduler/brokers/matching.ts). The operator reserves and creates the volume for the framework's role.
   */
  volume: z.string().optional(),
  /** log4j2 overrides `k=v` merged over the distribution's log4j2 config (log4j.ts). */
  log4jOptions: z.record(z.string(), z.string()).optional(),
  constraints: z.string().optional(),
  jvmOptions: z.string(),
  javaCmd: z.string(),
  stickiness: StickinessSchema,
  failover: FailoverSchema,
  needsRestart: z.boolean(),
  /** Settings other than `options` changed while a task ran (REST param names, e.g. `mem`); cleared at launch and when the task ends. */
  restartFields: z.array(z.string()).optional(),
  /** The `options` the current task was launched with (its server.properties); set at launch. */
  launchedOptions: z.record(z.string(), z.string()).optional(),
  /**
   * Per-broker dynamic configs kafka-mesos set in Kafka for this node id (raw option values),
   * i.e. option changes applied to the running broker without a restart (scheduler/kafka/dynamic-configs.ts).
   */
  dynamicConfigs: z.record(z.string(), z.string()).optional(),
  /** Dynamic configs of an earlier task, deleted in Kafka once the new task runs (its server.properties has the values). */
  staleDynamicConfigs: z.record(z.string(), z.string()).optional(),
  task: NodeTaskSchema.optional(),
  /** id of the last task that ended; used to re-attach an orphaned running task (mesos/kafka `TaskReconciler.scala`) */
  lastTaskId: z.string().optional(),
  /** KRaft controllers: the metadata log directory id (Kafka Uuid, base64url) given at format time */
  directoryId: z.string().optional(),
  /**
   * KRaft controllers added to a running quorum (KIP-853): `joining` while it runs as an observer and
   * catches up, before AddRaftVoter (formatted `--no-initial-controllers`); `leaving` once
   * RemoveRaftVoter is under way. Unset = a voter.
   */
  membership: z.enum(['joining', 'leaving']).optional(),
  /** combined `broker,controller` nodes: the CONTROLLER listener's port, pinned once placed (the broker listener uses `port`) */
  controllerPort: z.number().int().positive().optional(),
})

/** A Kafka node the scheduler manages; see {@link NodeSchema}. */
export type KafkaNode = z.infer<typeof NodeSchema>
