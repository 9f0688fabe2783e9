/** The scheduler's answers to the topic, partition and rebalance calls, as the CLI reads them (zod, lenient). */

import { z } from 'zod'

/** mesos/kafka's Topic JSON (src/scala/main/ly/stealth/mesos/kafka/json/Model.scala). */
export const TopicJson = z.looseObject({
  name: z.string(),
  partitions: z.record(z.string(), z.array(z.number())),
  options: z.record(z.string(), z.string()).nullish(),
})
export type TopicJson = z.infer<typeof TopicJson>

/** `{"topics":[Topic]}` of topic list/add/update/delete. */
export const TopicsResponse = z.looseObject({ topics: z.array(TopicJson) })

/** `/api/partition/list`: `{"<topic>":[{id,replicas,isr,leader,expectedLeader}]}` (mesos/kafka `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/PartitionApi.scala`). */
export const PartitionsResponse = z.record(
  z.string(),
  z.array(
    z.looseObject({
      id: z.number(),
      replicas: z.array(z.number()),
      isr: z.array(z.number()),
      leader: z.number(),
      expectedLeader: z.number(),
    }),
  ),
)
export type PartitionsResponse = z.infer<typeof PartitionsResponse>

/** `/api/topic/rebalance` (mesos/kafka `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/TopicApi.scala`'s rebalance answer), plus `moves` and `progress` (ours). */
export const RebalanceResponse = z.looseObject({
  status: z.string(),
  state: z.string().default(''),
  error: z.string().nullish(),
  moves: z
    .array(
      z.looseObject({
        topic: z.string(),
        partition: z.number(),
        from: z.array(z.number()),
        to: z.array(z.number()),
        state: z.string().optional(),
      }),
    )
    .optional(),
  progress: z
    .looseObject({
      partitions: z.looseObject({ done: z.number(), total: z.number() }),
      bytes: z.looseObject({ moved: z.number(), total: z.number() }),
    })
    .nullish(),
})
export type RebalanceResponse = z.infer<typeof RebalanceResponse>
