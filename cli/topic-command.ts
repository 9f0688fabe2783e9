/**
 * Shared base of the thin `topic *` commands: calls `/api/topic/<op>` (or another group's path such
 * as `partition/list`) through cli/api.ts's `post`, with the broker commands' error reporting
 * (`Error: <message>`, exit 1; `--json` prints `{"error","code"}`).
 */

import { Flags } from '@oclif/core'
import type { z } from 'zod'

import { ApiError, decode, type JsonValue, type Params, post, postStream, resolveApi } from './api.js'
import { apiFlags, BrokerCommand, KmCliError } from './broker-command.js'
import { formatRebalance } from './topic-format.js'
import { RebalanceResponse } from './topic-responses.js'

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
