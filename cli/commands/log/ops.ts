/** `kafka-mesos log ops`: show the audit log of operations: every mutating API call, who made it, when, and its result. */
import { Flags } from '@oclif/core'

import { z } from 'zod'
import { apiFlags, TopicCommand } from '../../base/index.js'
import type { JsonValue } from '../../client/index.js'

const OpsResponse = z.looseObject({
  ops: z.array(
    z.looseObject({
      time: z.string(),
      who: z.looseObject({ user: z.string().nullish(), address: z.string().nullish() }),
      op: z.string(),
      params: z.record(z.string(), z.string()),
      status: z.number(),
      result: z.string(),
      error: z.string().nullish(),
    }),
  ),
})

/** `log ops`: GET /api/log/ops, the scheduler's audit log of mutating API calls. */
export default class LogOps extends TopicCommand {
  static summary = 'Show the audit log of operations: every mutating API call, who made it, when, and its result.'
  static description =
    `One line per call, oldest first: time (UTC), user@address, the operation and its parameters, then "ok" or "error <status>: <message>". Secret-looking parameter values are masked. The log is appended to <state file>.ops.jsonl beside the scheduler's state.`
  static examples = [
    '<%= config.bin %> log ops',
    '<%= config.bin %> log ops --limit 20',
    '<%= config.bin %> log ops --json',
  ]
  static flags = {
    ...apiFlags,
    limit: Flags.string({
      description: 'how many of the latest entries (default 100, at most 10000)',
      helpValue: '<count>',
    }),
  }

  async run(): Promise<JsonValue> {
    const { flags } = await this.parse(LogOps)
    const json = await this.call('log/ops', flags.api, { limit: flags.limit })
    if (!this.jsonEnabled()) {
      const { ops } = this.decode(OpsResponse, 'log/ops', json)
      if (ops.length === 0) this.log('no operations')
      for (const o of ops) {
        const params = Object.entries(o.params)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
        const result = o.result === 'ok' ? 'ok' : `error ${o.status}: ${o.error ?? ''}`
        this.log(
          `${o.time.replace('T', ' ').replace('Z', '')}  ${o.who.user ?? '?'}@${o.who.address ?? '?'}  ${o.op}${params ? ` ${params}` : ''}  ${result}`,
        )
      }
    }
    return json
  }
}
