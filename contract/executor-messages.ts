/** The framework messages between the scheduler and a broker's executor: `stop`, log and metrics requests, their replies, metrics reports. */

import { z } from 'zod'

/**
 * The framework messages between the scheduler and a broker's executor (Mesos v1 scheduler MESSAGE →
 * agent → executor event MESSAGE, and back with the executor MESSAGE call). Like mesos/kafka
 * (`executor/Executor.scala` answers them, `scheduler/BrokerLogManager.scala` asks for logs), except
 * that requests and replies are JSON:
 *
 * ```
 * scheduler → executor   stop                                           (plain text: SIGKILL, force stop)
 *                        {"type":"log","requestId":"r1","name":"server.log","lines":100}
 *                        {"type":"metrics","requestId":"r2"}
 * executor → scheduler   {"type":"log","requestId":"r1","content":"...last lines..."}
 *                        {"type":"log","requestId":"r1","error":"server2.log does not exist ..."}
 *                        {"type":"metrics","requestId":"r2","metrics":{"timestamp":1700000000000,"kafka.server,ReplicaManager,UnderReplicatedPartitions":0}}
 *                        {"type":"report","metrics":{...}}     (unasked: once the broker runs, then every 60 s)
 * ```
 * Messages are unreliable (Mesos drops them when the executor is gone), so the scheduler matches each
 * reply to its request by `requestId` and gives up after a timeout.
 */

/** `broker log`: the last `lines` lines of `name` (`stdout`, `stderr` or `<file>.log` of the Kafka log dir). */
export const LogRequestSchema = z.object({
  type: z.literal('log'),
  requestId: z.string().min(1),
  name: z.string().min(1),
  lines: z.number().int().positive(),
})

/** `broker metrics`: one read of the broker's JMX figures through its Jolokia agent. */
export const MetricsRequestSchema = z.object({
  type: z.literal('metrics'),
  requestId: z.string().min(1),
})

export const ExecutorRequestSchema = z.discriminatedUnion('type', [LogRequestSchema, MetricsRequestSchema])
export type ExecutorRequest = z.infer<typeof ExecutorRequestSchema>

/** Reply to a log request: `content` (UTF-8 text, at most 100 KB) or `error`. */
export const LogReplySchema = z.object({
  type: z.literal('log'),
  requestId: z.string(),
  content: z.string().optional(),
  error: z.string().optional(),
})

/**
 * Reply to a metrics request: `metrics` is flat, `timestamp` (epoch ms of the read) plus one number
 * per metric named `domain,type,name[,key=value...][_suffix]` (see executor/metrics.ts), or `error`.
 */
export const MetricsReplySchema = z.object({
  type: z.literal('metrics'),
  requestId: z.string(),
  metrics: z.record(z.string(), z.number()).optional(),
  error: z.string().optional(),
})

/** Metrics the executor reports by itself (as mesos/kafka's `executor/Executor.scala`: at start, then every 60 s); shown by `broker list`. */
export const MetricsReportSchema = z.object({
  type: z.literal('report'),
  metrics: z.record(z.string(), z.number()),
})
export type MetricsReport = z.infer<typeof MetricsReportSchema>

export const ExecutorReplySchema = z.discriminatedUnion('type', [LogReplySchema, MetricsReplySchema])
export type ExecutorReply = z.infer<typeof ExecutorReplySchema>
export type LogReply = z.infer<typeof LogReplySchema>
export type MetricsReply = z.infer<typeof MetricsReplySchema>

/** Encodes a request or reply as message bytes (UTF-8 JSON). */
export function encodeMessage(m: ExecutorRequest | ExecutorReply | MetricsReport): Buffer {
  return Buffer.from(JSON.stringify(m), 'utf8')
}

/** Parses a message the executor received; `undefined` when it is not one of ours (e.g. `stop`). */
export function decodeRequest(data: Buffer | string): ExecutorRequest | undefined {
  return parse(ExecutorRequestSchema, data)
}

/** Parses a message the scheduler received; `undefined` when it is not a reply of ours. */
export function decodeReply(data: Buffer | string): ExecutorReply | undefined {
  return parse(ExecutorReplySchema, data)
}

/** Parses an unasked metrics report; `undefined` for anything else. */
export function decodeReport(data: Buffer | string): MetricsReport | undefined {
  return parse(MetricsReportSchema, data)
}

function parse<T>(schema: z.ZodType<T>, data: Buffer | string): T | undefined {
  const text = typeof data === 'string' ? data : data.toString('utf8')
  if (!text.startsWith('{')) return undefined
  try {
    const r = schema.safeParse(JSON.parse(text))
    return r.success ? r.data : undefined
  } catch {
    return undefined
  }
}
