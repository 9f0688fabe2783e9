/** `file:<path>` flag values: a local Java properties file sent as a `k=v,...` map. */

import { readFileSync } from 'node:fs'

import { formatMap } from '../../contract/index.js'
import { parseProperties } from '../client/index.js'
import { KmCliError } from './cli-error.js'

/**
 * `file:<path>` values of `--options`/`--log4j-options` are read locally as Java properties and
 * sent as an escaped `k=v,...` map, as mesos/kafka's CLI did (`optionsOrFile` in
 * src/scala/main/ly/stealth/mesos/kafka/cli/Cli.scala). Other values pass through.
 *
 * @throws KmCliError `--<flag>: cannot read file "<path>": <reason>`.
 */
export function expandFileValue(flag: string, value: string, cwd = process.cwd()): string {
  if (!value.startsWith('file:')) return value
  const path = value.slice('file:'.length)
  let text: string
  try {
    text = readFileSync(path.startsWith('/') ? path : `${cwd}/${path}`, 'utf8')
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code ?? String(e)
    throw new KmCliError('KM_ERR_FILE', `--${flag}: cannot read file "${path}": ${reason}`)
  }
  return formatMap(parseProperties(text))
}
