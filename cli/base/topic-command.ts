/** The base of the `topic *`, `quota *` and `log ops` commands: calls `/api/topic/<op>`, or `/api/<op>` for an op with a `/` (`partition/list`). */
// Errors are reported as by every REST command (BrokerCommand): `Error: <message>`, exit 1; with --json
// the error JSON `{"error","code"}`.

import type { z } from 'zod'

import { decode, type JsonValue, type Params, post, resolveApi, SchedulerApiError } from '../client/index.js'
import { BrokerCommand } from './broker-command.js'

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
      throw e instanceof SchedulerApiError ? this.toCliError(e) : e
    }
  }

  protected decode<S extends z.ZodType>(schema: S, op: string, json: JsonValue): z.output<S> {
    try {
      return decode(schema, op.includes('/') ? op : `topic/${op}`, json)
    } catch (e) {
      throw e instanceof SchedulerApiError ? this.toCliError(e) : e
    }
  }
}
