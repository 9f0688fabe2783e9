/** Masking: secret-looking names lose their values in records, k=v lists, JVM options and URIs; everything else is left as it was. */

import { describe, expect, test } from 'vitest'
import { isSecretName, maskJvmOptions, maskKvList, maskRecord, maskUri } from './mask.js'

describe('masking', () => {
  test('which names are secret', () => {
    for (const n of [
      'ssl.keystore.password',
      'sasl.jaas.config',
      'KM_PASSWORD',
      'MESOS_EXECUTOR_AUTHENTICATION_TOKEN',
      'AWS_SECRET_ACCESS_KEY',
      'delegation.token.secret.key',
      'ssl.keystore.key',
      'api-key',
      'credentials',
    ])
      expect(isSecretName(n), n).toBe(true)
    for (const n of ['log.retention.hours', 'delegation.token.max.lifetime.ms', 'monkey', 'num.io.threads', 'HOME'])
      expect(isSecretName(n), n).toBe(false)
  })

  test('records, k=v lists (escaped commas too), -D options and path tokens', () => {
    expect(maskRecord({ DB_PASSWORD: 'x', HOME: '/root' })).toEqual({ DB_PASSWORD: '***', HOME: '/root' })
    expect(maskKvList('retention.ms=1,ssl.keystore.password=abc,sasl.jaas.config=x\\,y,flush.ms=2')).toBe(
      'retention.ms=1,ssl.keystore.password=***,sasl.jaas.config=***,flush.ms=2',
    )
    expect(maskJvmOptions('-Xss1m -Djavax.net.ssl.trustStorePassword=changeit -Dfoo=bar')).toBe(
      '-Xss1m -Djavax.net.ssl.trustStorePassword=*** -Dfoo=bar',
    )
    expect(maskUri('http://h:7000/kafka/k.tgz?km_token=abc_DEF-1&x=1')).toBe(
      'http://h:7000/kafka/k.tgz?km_token=***&x=1',
    )
    expect(maskUri('http://h/plain')).toBe('http://h/plain')
  })
})
