import { z } from 'zod'

const range = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() })
const task = z.object({
  id: z.string(),
  slaveId: z.string(),
  executorId: z.string(),
  hostname: z.string(),
  endpoint: z.string(),
  attributes: z.record(z.string(), z.string()),
  state: z.enum(['pending', 'starting', 'running', 'stopping', 'reconciling', 'unreachable']),
  unreachableSince: z.number().optional(),
})

/** Schema of a persisted node (broker or controller); see scheduler/brokers/broker.ts. */
export const NodeSchema = z.object({
  id: z.number().int().nonnegative(),
  role: z.enum(['broker', 'controller', 'broker,controller']),
  active: z.boolean(),
  cpus: z.number().positive(),
  mem: z.number().int().positive(),
  heap: z.number().int().positive(),
  port: range.optional(),
  options: z.record(z.string(), z.string()),
  bindAddress: z.string().optional(),
  syslog: z.boolean().optional(),
  volume: z.string().optional(),
  log4jOptions: z.record(z.string(), z.string()).optional(),
  constraints: z.string().optional(),
  jvmOptions: z.string(),
  javaCmd: z.string(),
  stickiness: z.object({
    periodMs: z.number().nonnegative(),
    hostname: z.string().optional(),
    stopTime: z.number().optional(),
  }),
  failover: z.object({
    delayMs: z.number().nonnegative(),
    maxDelayMs: z.number().nonnegative(),
    maxTries: z.number().int().positive().optional(),
    failures: z.number().int().nonnegative(),
    failureTime: z.number().optional(),
  }),
  needsRestart: z.boolean(),
  restartFields: z.array(z.string()).optional(),
  launchedOptions: z.record(z.string(), z.string()).optional(),
  dynamicConfigs: z.record(z.string(), z.string()).optional(),
  staleDynamicConfigs: z.record(z.string(), z.string()).optional(),
  task: task.optional(),
  lastTaskId: z.string().optional(),
  directoryId: z.string().optional(),
  /** KRaft controllers: `joining` = formatted --no-initial-controllers, not a voter yet; `leaving` = being removed */
  membership: z.enum(['joining', 'leaving']).optional(),
  /** combined broker,controller nodes: the pinned CONTROLLER listener port */
  controllerPort: z.number().int().positive().optional(),
})

/** The scheduler's whole persisted state (one JSON document). */
export const SchedulerStateSchema = z.object({
  /** marks our documents; a file without it is foreign and is refused */
  kind: z.literal('kafka-mesos-state'),
  version: z.literal(1),
  frameworkId: z.string().optional(),
  /** KRaft cluster id, chosen once by the scheduler */
  clusterId: z.string(),
  brokers: z.array(NodeSchema),
  controllers: z.array(NodeSchema),
  /** the KRaft voter set the quorum was formed with (`id@host:port:directoryId,...`); set once */
  initialControllers: z.string().optional(),
  /** the next id for a controller added later (ids are never reused: a host may keep an old metadata log) */
  nextControllerId: z.number().int().optional(),
  /** the current (or last) change of the KRaft voter set (KIP-853), see scheduler/kafka/quorum-change.ts */
  quorumChange: z
    .object({
      op: z.enum(['add', 'remove', 'replace']),
      joining: z.number().int().optional(),
      leaving: z.number().int().optional(),
      phase: z.enum(['placing', 'catching-up', 'adding', 'removing', 'stopping', 'done', 'failed']),
      startedAt: z.number(),
      updatedAt: z.number(),
      /** what is happening now, e.g. `observer, 12 records behind the leader` */
      detail: z.string().optional(),
      progress: z.array(z.object({ time: z.number(), text: z.string() })),
      error: z.string().optional(),
    })
    .optional(),
})

export type SchedulerState = z.infer<typeof SchedulerStateSchema>
