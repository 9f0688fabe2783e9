/** The broker JSON of the REST API (`broker list`, add, update, start, stop, restart, clone; `controller list`), derived from the node schema. */

import { z } from 'zod'
import { FailoverSchema, NodeRoleSchema, NodeSchema, StickinessSchema } from './node.js'

/**
 * mesos/kafka's broker JSON (`src/scala/main/ly/stealth/mesos/kafka/json/Model.scala`): the stored
 * node with its settings in their text forms (a port range as `31000..31010`, maps as `k=v,k2=v2`,
 * periods as `10m`, dates as `yyyy-MM-dd HH:mm:ss.SSS` UTC), plus `state`, the displayed state. Fields
 * the JSON shows as stored are picked from {@link NodeSchema}, so they are declared once. Empty
 * settings are left out. Clients read it with {@link lenientObject} (lenient.ts) views of these
 * schemas.
 */

/** `stickiness` in the JSON: the period as text, the stop time as a date. */
export const StickinessJsonSchema = StickinessSchema.pick({ hostname: true }).extend({
  period: z.string(),
  stopTime: z.string().optional(),
})

/** `failover` in the JSON: the delays as periods, the last failure as a date. */
export const FailoverJsonSchema = FailoverSchema.pick({ maxTries: true, failures: true, reason: true }).extend({
  delay: z.string(),
  maxDelay: z.string(),
  failureTime: z.string().optional(),
})

/**
 * While a task exists and something changed since its launch: `live` the options applied to the
 * running broker without a restart (`{key: value}`), `restart` what only a restart applies
 * (option keys and setting names such as `mem`).
 */
export const ChangesJsonSchema = z.object({ live: z.record(z.string(), z.string()), restart: z.array(z.string()) })

/**
 * Why an active broker without a task did not take its last offer (in memory, not persisted), e.g.
 * `{"reason":"rack=unique: ...","hostname":"127.0.1.1","time":"2026-..."}`.
 */
export const WaitingJsonSchema = z.object({ reason: z.string(), hostname: z.string(), time: z.string() })

/** One broker (or controller) as the REST API answers it. */
export const NodeJsonSchema = NodeSchema.pick({
  active: true,
  cpus: true,
  mem: true,
  heap: true,
  bindAddress: true,
  syslog: true,
  volume: true,
  constraints: true,
  needsRestart: true,
  task: true,
}).extend({
  /** the node id as a string, as mesos/kafka */
  id: z.string(),
  /** `process.roles` when not just `broker` (a combined `broker,controller` node) */
  role: NodeRoleSchema.optional(),
  /** the port range, `N` or `A..B` (range.ts) */
  port: z.string().optional(),
  /** `k=v,...` (kv-map.ts) */
  options: z.string().optional(),
  /** `k=v,...` (kv-map.ts) */
  log4jOptions: z.string().optional(),
  jvmOptions: NodeSchema.shape.jvmOptions.optional(),
  /** left out when it is the default `java` */
  javaCmd: NodeSchema.shape.javaCmd.optional(),
  changes: ChangesJsonSchema.optional(),
  stickiness: StickinessJsonSchema,
  failover: FailoverJsonSchema,
  /** the displayed state (mesos/kafka `Broker.state()`): a task state, `stopped`, `starting`, `failed N ...` */
  state: z.string(),
  waiting: WaitingJsonSchema.optional(),
  /**
   * What the running task last reported (executor-messages.ts `report`): `timestamp` (epoch ms, 0 =
   * not yet) plus one number per metric; `broker list` and friends only, not `controller list`.
   */
  metrics: z.record(z.string(), z.number()).optional(),
})
/** One broker (or controller) as the REST API answers it; see {@link NodeJsonSchema}. */
export type NodeJson = z.infer<typeof NodeJsonSchema>

/** A controller in `controller list`: the node JSON plus its quorum endpoint, directory id and membership. */
export const ControllerJsonSchema = NodeJsonSchema.extend({
  /** `host:port` of its CONTROLLER listener once placed */
  endpoint: z.string().optional(),
  ...NodeSchema.pick({ directoryId: true, membership: true }).shape,
})
export type ControllerJson = z.infer<typeof ControllerJsonSchema>
