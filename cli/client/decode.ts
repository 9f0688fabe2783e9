/** Reading a scheduler answer against the zod schema the human output needs. */

import { z } from 'zod'

import type { JsonValue } from './rest.js'
import { SchedulerApiError } from './scheduler-api-error.js'

/**
 * Checks a server answer against `schema` for the human output.
 * @throws SchedulerApiError (code `KM_ERR_RESPONSE`) `unexpected answer from <path>: <zod issues>`.
 */
export function decode<S extends z.ZodType>(schema: S, path: string, json: JsonValue): z.output<S> {
  const r = schema.safeParse(json)
  if (!r.success)
    throw new SchedulerApiError('KM_ERR_RESPONSE', `unexpected answer from ${path}: ${z.prettifyError(r.error)}`)
  return r.data
}
