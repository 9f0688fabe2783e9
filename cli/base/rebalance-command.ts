/** The base of `topic rebalance` and `topic realign`: the request, its streamed wait, and mesos/kafka's rebalance output. */
// mesos/kafka's `topic rebalance` (src/scala/main/ly/stealth/mesos/kafka/cli/TopicCli.scala): `status` reads
// the state, a timeout fails with `Rebalance timeout:` and the state.

import { type JsonValue, postStream, RebalanceResponse, resolveApi, SchedulerApiError } from '../client/index.js'
import { formatRebalance } from '../format/index.js'
import { TopicCommand } from './topic-command.js'

/** Base class of rebalance and realign. */
export abstract class RebalanceCommand extends TopicCommand {
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
        throw e instanceof SchedulerApiError ? this.toCliError(e) : e
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
