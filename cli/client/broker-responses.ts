/** The scheduler's answers to the broker calls (add, update, list, remove, start, stop, restart), as the CLI reads them. */
// Lenient (zod looseObject, nullish fields): only what the human output reads is typed, so an older or
// newer scheduler's extra fields pass through to --json untouched. The broker's own fields derive from
// the one node schema in contract/; the shapes are mesos/kafka's broker JSON
// (src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala).

import { z } from 'zod'

import {
  FailoverJsonSchema,
  lenientObject,
  NodeJsonSchema,
  NodeTaskSchema,
  StickinessJsonSchema,
  WaitingJsonSchema,
} from '../../contract/index.js'

const Id = z.union([z.string(), z.number()]).transform(String)
const Str = z.string().nullish()

/**
 * A broker's task in the REST answer (contract/node.ts `NodeTaskSchema`, read leniently); `task` is
 * absent/null when the broker has none. Any task state string is accepted.
 */
export const TaskJson = lenientObject(NodeTaskSchema).extend({ id: z.string(), state: z.string() })

/**
 * A broker in the REST answer: the contract's `NodeJsonSchema`, read leniently (every field may be
 * missing or null, unknown keys kept), plus what a mesos/kafka scheduler also sends
 * (`executionOptions`, `stickiness.expires`; its `src/scala/main/ly/stealth/mesos/kafka/json/Model.scala`). `state` is the displayed state.
 */
export const BrokerJson = lenientObject(NodeJsonSchema).extend({
  id: Id,
  /** `broker,controller` for a combined node; absent for a plain broker */
  role: Str,
  active: z.boolean().optional(),
  /** changes since the task's launch: options applied live, and what needs a restart (our addition) */
  changes: z
    .looseObject({ live: z.record(z.string(), z.string()).default({}), restart: z.array(z.string()).default([]) })
    .nullish(),
  stickiness: lenientObject(StickinessJsonSchema).extend({ expires: Str }).nullish(),
  failover: lenientObject(FailoverJsonSchema).nullish(),
  executionOptions: z.looseObject({ jvmOptions: Str, javaCmd: Str }).nullish(),
  task: TaskJson.nullish(),
  /** why an active broker without a task did not take its last offer (our addition; in memory on the scheduler) */
  waiting: lenientObject(WaitingJsonSchema).extend({ reason: z.string() }).nullish(),
})
export type BrokerJson = z.infer<typeof BrokerJson>

/** Answer of broker add/update/list: `{"brokers":[Broker]}`. */
export const BrokersResponse = z.looseObject({ brokers: z.array(BrokerJson) })
export type BrokersResponse = z.infer<typeof BrokersResponse>

/** Answer of broker remove: `{"ids":["0","1"]}` (mesos/kafka also sent a comma string; both accepted). */
export const RemoveResponse = z.looseObject({
  ids: z.union([z.array(Id), z.string().transform((s) => s.split(',').filter(Boolean))]),
})
export type RemoveResponse = z.infer<typeof RemoveResponse>

/** Answer of broker start/stop: `{"status":"started|stopped|scheduled|timeout","brokers":[Broker]}`. */
export const StartStopResponse = z.looseObject({
  status: z.string(),
  brokers: z.array(BrokerJson).default([]),
  message: Str,
})
export type StartStopResponse = z.infer<typeof StartStopResponse>

/** Answer of broker restart: `{"status":"restarted|timeout","brokers":[Broker],"message"?}` (mesos/kafka `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/BrokerApi.scala`, restart). */
export const RestartResponse = StartStopResponse
export type RestartResponse = StartStopResponse
