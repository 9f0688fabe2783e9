/** Masking secrets in what daemons show and log: values of secret-looking names, `k=v` lists, JVM `-D` options, and path tokens in URIs. */

import { PATH_TOKEN_PARAM } from './path-token.js'

/** What a masked value is shown as. */
export const MASK = '***'

/**
 * Names whose values are secrets: anything with password, passwd, secret, jaas or credential in it,
 * and names ending in a `token` or `key` segment (`delegation.token.secret.key`,
 * `MESOS_EXECUTOR_AUTHENTICATION_TOKEN`, `ssl.keystore.key`; not `delegation.token.max.lifetime.ms`).
 * Kafka's own list of password-typed configs (`ConfigDef.Type.PASSWORD`: `ssl.key.password`,
 * `ssl.keystore.password`, `sasl.jaas.config`, ...) is covered by these words.
 */
const SECRET_NAME = /password|passwd|secret|jaas|credential|(^|[._-])token$|(^|[._-])key$/i

/** True when a setting or variable of this name holds a secret (see {@link SECRET_NAME}). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name)
}

/** A record with the values of secret-looking keys masked. */
export function maskRecord<V>(record: Readonly<Record<string, V>>): Record<string, V | typeof MASK> {
  const out: Record<string, V | typeof MASK> = {}
  for (const [k, v] of Object.entries(record)) out[k] = isSecretName(k) ? MASK : v
  return out
}

/**
 * A `k=v,k2=v2` list (commas escaped as `\,` inside values, as `--options`) with the values of
 * secret-looking keys masked.
 */
export function maskKvList(text: string): string {
  return text.replace(/(^|,)([^=,]+)=((?:\\.|[^,\\])*)/g, (all, sep: string, key: string) =>
    isSecretName(key.trim()) ? `${sep}${key}=${MASK}` : all,
  )
}

/** JVM options with the values of secret-looking `-Dname=value` properties masked. */
export function maskJvmOptions(text: string): string {
  return text.replace(/(-D)([^=\s]+)=("[^"]*"|'[^']*'|\S*)/g, (all, d: string, key: string) =>
    isSecretName(key) ? `${d}${key}=${MASK}` : all,
  )
}

/** A URI with its path token (`km_token=...`) masked. */
export function maskUri(uri: string): string {
  return uri.replace(new RegExp(`([?&]${PATH_TOKEN_PARAM}=)[^&#]*`, 'g'), `$1${MASK}`)
}
