/** The scheduler's answer to the quota calls, as the CLI reads it. */

import { z } from 'zod'

/** `{"<entity>":{"<key>":N}}` (mesos/kafka `src/scala/main/ly/stealth/mesos/kafka/scheduler/http/api/QuotaApi.scala`), numbers as Kafka's DescribeClientQuotas reports them. */
export const QuotaResponse = z.record(z.string(), z.record(z.string(), z.number()))
export type QuotaResponse = z.infer<typeof QuotaResponse>
