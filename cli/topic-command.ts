/**
 * Shared base of the thin `topic *` commands: calls `/api/topic/<op>` (or another group's path such
 * as `partition/list`) through cli/api.ts's `post`, with the broker commands' error reporting
 * (`Error: <message>`, exit 1; `--json` prints `{"error","code"}`). Also the answer schemas.
 */

import { Flags } from '@oclif/core'
import { z } from 'zod'

import { ApiError, decode, type JsonValue, type Params, post, postStream, resolveApi } from './api.js'
import { apiFlags, BrokerCommand, KmCliError } from './broker-command.js'
import { formatRebalance } from './topic-format.js'

/** mesos/kafka's Topic (§2.6). */
export const TopicJson = z.looseObject({
  name: z.string(),
  partitions: z.record(z.string(), z.array(z.number())),
  options: z.record(z.string(), z.string()).nullish(),
})
export type TopicJson = z.infer<typeof TopicJson>

/** `{"topics":[Topic]}` of topic list/add/update/delete. */
export const TopicsResponse = z.looseObject({ topics: z.array(TopicJson) })

/** `/api/partition/list`: `{"<topic>":[{id,replicas,isr,leader,expectedLeader}]}` (§2.4). */
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

/** `/api/topic/rebalance` (§2.3), plus `moves`. */
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

/** Flags of topic add and rebalance/realign for the replica assignment (§1.4). */
export const assignFlags = {
  broker: Flags.string({
    description:
      'brokers to place replicas on: an id expression such as 0..3, or with an attribute filter such as "*[rack]" whose groups are interleaved so replicas spread over racks (default *: every running broker)',
    helpValue: '<broker-expr>',
  }),
  fixedStartIndex: Flags.string({
    description:
      'index into the broker list where assignment starts; also fixes the replica shift (default -1 = random, as Kafka)',
    helpValue: '<index>',
  }),
}

/** Flags shared by rebalance and realign (§1.4). */
export const rebalanceFlags = {
  ...apiFlags,
  ...assignFlags,
  replicas: Flags.string({
    description: "new replication factor (default -1 = keep each topic's)",
    helpValue: '<count>',
  }),
  timeout: Flags.string({
    description:
      'wait until the moves finish, a period such as 30s or 5m, printing progress lines (default: return at once)',
    helpValue: '<period>',
  }),
  'dry-run': Flags.boolean({ description: 'show the partitions that would move and change nothing' }),
  throttle: Flags.string({
    description:
      'limit replication to this many MB/s per broker while partitions move (set through broker and topic configs as kafka-reassign-partitions.sh does, removed when the moves end)',
    helpValue: '<MB/s>',
  }),
}

/** Base class of the topic commands. */
export abstract class TopicCommand extends BrokerCommand {
  /**
   * POSTs to `<api>/api/topic/<op>`, or to `<api>/api/<op>` when `op` has a `/` (`partition/list`).
   * @throws KmCliError with the server's message (exit 1).
   */
  protected async call(op: string, apiFlag: string | undefined, params: Params): Promise<JsonValue> {
    const path = op.includes('/') ? op : `topic/${op}`
    try {
      return await post(resolveApi({ flag: apiFlag }), path, params)
    } catch (e) {
      if (e instanceof ApiError) throw new KmCliError(e.message, e.code)
      throw e
    }
  }

  protected decode<S extends z.ZodType>(schema: S, op: string, json: JsonValue): z.output<S> {
    try {
      return decode(schema, op.includes('/') ? op : `topic/${op}`, json)
    } catch (e) {
      if (e instanceof ApiError) throw new KmCliError(e.message, e.code)
      throw e
    }
  }

  /**
   * Sends the request and prints mesos/kafka's answer; `timeout` status fails with `<Verb> timeout:`
   * and the state, `failed` with `<Verb> failed: <error>`. `expr` `status` reads the status, `cancel`
   * cancels the running reassignments. With `--timeout` the wait is streamed and each progress line
   * is printed as it comes (not with `--json`).
   */
  protected async rebalance(
    verb: 'Rebalance' | 'Realign',
    expr: string,
    flags: {
      api?: string
      broker?: string
      replicas?: string
      timeout?: string
      fixedStartIndex?: string
      'dry-run'?: boolean
      throttle?: string
    },
    extra: Record<string, string | undefined>,
  ): Promise<JsonValue> {
    if (expr === 'cancel') {
      const json = await this.call('rebalance', flags.api, { cancel: 'true' })
      if (!this.jsonEnabled()) this.log(formatRebalance(verb, this.decode(RebalanceResponse, 'rebalance', json)))
      return json
    }
    const params = {
      topic: expr === 'status' ? undefined : expr,
      broker: flags.broker,
      replicas: flags.replicas,
      timeout: flags.timeout,
      fixedStartIndex: flags.fixedStartIndex,
      dryRun: flags['dry-run'] ? 'true' : undefined,
      throttle: flags.throttle,
      realign: verb === 'Realign' ? 'true' : undefined,
      ...extra,
    }
    let json: JsonValue
    if (flags.timeout && expr !== 'status') {
      try {
        json = await postStream(resolveApi({ flag: flags.api }), 'topic/rebalance', params, (line) => {
          if (!this.jsonEnabled()) this.log(line)
        })
      } catch (e) {
        if (e instanceof ApiError) throw new KmCliError(e.message, e.code)
        throw e
      }
    } else {
      json = await this.call('rebalance', flags.api, params)
    }
    const res = this.decode(RebalanceResponse, 'rebalance', json)
    if (res.status === 'timeout') {
      if (!this.jsonEnabled()) this.fail(`${verb} timeout:\n${res.state}`.replace(/\n+$/, ''), 'KM_ERR_TIMEOUT')
      process.exitCode = 1
    } else if (res.status === 'failed') {
      if (!this.jsonEnabled())
        this.fail(`${verb} failed: ${res.error ?? ''}\n${res.state}`.replace(/\n+$/, ''), 'KM_ERR_REBALANCE_FAILED')
      process.exitCode = 1
    } else if (!this.jsonEnabled()) {
      this.log(formatRebalance(verb, res))
    }
    return json
  }
}
