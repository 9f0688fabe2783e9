/** Where the CLI finds the scheduler's REST API: --api, else env KM_API, else api= in ./kafka-mesos.properties. */
// The order is mesos/kafka's (`resolveApi` in src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala).

import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { parseProperties } from './properties.js'
import { SchedulerApiError } from './scheduler-api-error.js'

/** The properties file looked up in the working directory for `api=` (mesos/kafka's `Config.DEFAULT_FILE`). */
export const PROPERTIES_FILE = 'kafka-mesos.properties'

/** Where {@link resolveApi} may look. Defaults: `process.env` and `process.cwd()`. */
export interface ApiSources {
  /** The `--api` flag value, if given. */
  flag?: string
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/**
 * Resolves the scheduler API base URL in mesos/kafka's order (its CLI's `resolveApi`): the `--api` flag, then env
 * `KM_API`, then `api=` in `./kafka-mesos.properties`. Empty values count as unset. A value without
 * a scheme gets `http://`; a trailing slash is dropped. `apps://host:port/kafka` means: the scheduler
 * running as app `/kafka` under the meta-framework at host:port, found at each call (see apps-discovery.ts).
 *
 * @returns e.g. `http://127.0.0.1:7000`.
 * @throws SchedulerApiError (code `KM_ERR_NO_API`) `Undefined api. Provide --api, KM_API or api= in ./kafka-mesos.properties`,
 *   or (code `KM_ERR_API_URL`) `invalid api URL "<value>"`.
 */
export function resolveApi(sources: ApiSources = {}): string {
  const env = sources.env ?? process.env
  const cwd = sources.cwd ?? process.cwd()
  let api = sources.flag || env.KM_API || undefined
  if (!api) {
    let text: string | undefined
    try {
      text = readFileSync(join(cwd, PROPERTIES_FILE), 'utf8')
    } catch {
      text = undefined
    }
    if (text !== undefined) api = parseProperties(text).api?.trim() || undefined
  }
  if (!api) {
    throw new SchedulerApiError('KM_ERR_NO_API', `Undefined api. Provide --api, KM_API or api= in ./${PROPERTIES_FILE}`)
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(api) ? api : `http://${api}`
  try {
    const url = new URL(withScheme)
    if (url.protocol !== 'http:' && url.protocol !== 'https:' && url.protocol !== 'apps:') throw new Error('not http')
  } catch {
    throw new SchedulerApiError('KM_ERR_API_URL', `invalid api URL "${api}"`)
  }
  return withScheme.replace(/\/+$/, '')
}
