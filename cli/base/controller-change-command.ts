/** The base of `controller add|remove|replace`: start a KRaft voter change (KIP-853) and follow it to its end. */
// It starts the change (POST /api/controller/<op> with timeout=0), then follows its progress through
// /api/controller/list, printing each step as it happens, until it is done, failed, or --timeout passes.

import { Flags } from '@oclif/core'
import { z } from 'zod'

import { parsePeriod, type ValueError } from '../../contract/index.js'
import type { JsonValue } from '../client/index.js'
import { apiFlags } from './api-flag.js'
import { BrokerCommand } from './broker-command.js'

const Change = z.looseObject({
  phase: z.string(),
  summary: z.string(),
  detail: z.string().nullish(),
  startedAt: z.number(),
  error: z.string().optional(),
  progress: z.array(z.looseObject({ time: z.string(), text: z.string() })),
})
const ChangeResponse = z.looseObject({ status: z.string(), change: Change.nullable() })
const ListResponse = z.looseObject({ change: Change.nullable() })

/** Flags of the three change commands. */
export const changeFlags = {
  ...apiFlags,
  timeout: Flags.string({
    description: 'how long to follow the change, a period such as 2m; 0 = start it and return',
    helpValue: '<period>',
    default: '5m',
  }),
}

/** Base of `controller add|remove|replace`. */
export abstract class ControllerChangeCommand extends BrokerCommand {
  /**
   * Starts the change and follows it. Exit 1 when it failed or did not finish within the timeout.
   * @returns the last change JSON (for --json)
   */
  protected async change(
    op: 'add' | 'remove' | 'replace',
    controller: string | undefined,
    flags: { api?: string; timeout: string },
  ): Promise<JsonValue> {
    let timeoutMs: number
    try {
      timeoutMs = parsePeriod(flags.timeout, 'timeout')
    } catch (e) {
      this.fail((e as ValueError).message)
    }
    const started = this.decode(
      ChangeResponse,
      `controller/${op}`,
      await this.post(`controller/${op}`, flags.api, {
        ...(controller === undefined ? {} : { controller }),
        timeout: '0',
      }),
    )
    let change = started.change!
    let printed = 0
    const print = () => {
      if (this.jsonEnabled()) return
      for (const p of change.progress.slice(printed)) this.log(`${p.time.slice(11, 19)}  ${p.text}`)
      printed = change.progress.length
    }
    print()
    const deadline = Date.now() + timeoutMs
    let lastDetail = ''
    while (change.phase !== 'done' && change.phase !== 'failed' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000))
      const list = this.decode(ListResponse, 'controller/list', await this.post('controller/list', flags.api, {}))
      if (!list.change || list.change.startedAt !== change.startedAt) break
      change = list.change
      print()
      // what the step waits for now (e.g. "observer, 12 records behind the leader"), when it changes
      const detail = change.detail ?? ''
      if (
        !this.jsonEnabled() &&
        detail &&
        detail !== lastDetail &&
        change.phase !== 'done' &&
        change.phase !== 'failed'
      )
        this.log(`          … ${detail}`)
      lastDetail = detail
    }
    if (change.phase === 'failed')
      this.fail(`controller ${op} failed: ${change.error ?? change.summary}`, 'KM_ERR_QUORUM_CHANGE')
    if (change.phase !== 'done' && timeoutMs > 0)
      this.fail(
        `controller ${op} still in progress after ${flags.timeout} (${change.summary}); it goes on: follow it with controller list`,
        'KM_ERR_TIMEOUT',
      )
    return change as unknown as JsonValue
  }
}
