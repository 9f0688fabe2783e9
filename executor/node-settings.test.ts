/** Where a node runs on the agent: data dir, listener and bind address, log4j overrides, from its task data. */

import { describe, expect, test } from 'vitest'
import { KafkaTaskDataSchema, parseProperties, renderServerProperties } from '../contract/index.js'
import { nodeSettings } from './executor.js'

const base = KafkaTaskDataSchema.parse({
  role: 'broker',
  nodeId: 3,
  clusterId: 'AAAAAAAAAAAAAAAAAAAAAA',
  host: '127.0.1.2',
  port: 31000,
  quorum: '127.0.1.1:31001',
  format: 'no-initial-controllers',
  heapMb: 256,
})
const dirs = { sandbox: '/w/sandbox', dataRoot: '/w/data' }
const nics = { lo: [{ address: '127.0.0.1', family: 'IPv4' }], eth1: [{ address: '192.168.50.4', family: 'IPv4' }] }
const props = (s: ReturnType<typeof nodeSettings>) =>
  parseProperties(renderServerProperties(s.data, { defaults: '', logDirs: s.dataDir, listenHost: s.listenHost }))

describe('where a broker runs on the agent (executor nodeSettings)', () => {
  test('no settings: data in <root>/kafka-broker-<id>, listens and advertises the offer host, no log4j overrides', () => {
    const s = nodeSettings(base, dirs, nics)
    expect(s.dataDir).toBe('/w/data/kafka-broker-3')
    expect(props(s).get('listeners')).toBe('PLAINTEXT://127.0.1.2:31000')
    expect(s.log4jOverrides).toBeUndefined()
  })

  test('a bind address is listened on, advertised and becomes the endpoint; a wildcard listens everywhere and advertises the agent', () => {
    const s = nodeSettings({ ...base, bindAddress: 'if:eth1' }, dirs, nics)
    expect(s.data.host).toBe('192.168.50.4')
    expect(props(s).get('listeners')).toBe('PLAINTEXT://192.168.50.4:31000')
    expect(props(s).get('advertised.listeners')).toBe('PLAINTEXT://192.168.50.4:31000')
    const w = nodeSettings({ ...base, bindAddress: '0.0.0.0' }, dirs, nics)
    expect(props(w).get('listeners')).toBe('PLAINTEXT://0.0.0.0:31000')
    expect(props(w).get('advertised.listeners')).toBe('PLAINTEXT://127.0.1.2:31000')
    expect(() => nodeSettings({ ...base, bindAddress: '10.9.*' }, dirs, nics)).toThrow(
      /^bindAddress: no address of 127.0.1.2 starts with 10.9./,
    )
  })

  test('a persistent volume keeps the data in <sandbox>/<container path>/kafka-logs (log.dirs); log4j options and syslog give the overrides', () => {
    const s = nodeSettings(
      {
        ...base,
        volume: { id: 'kafka-3', containerPath: 'data' },
        log4jOptions: { kafka: 'DEBUG' },
        syslog: true,
        syslogTag: 'kafka-3',
      },
      dirs,
      nics,
    )
    expect(s.dataDir).toBe('/w/sandbox/data/kafka-logs')
    expect(props(s).get('log.dirs')).toBe('/w/sandbox/data/kafka-logs')
    expect(s.log4jOverrides).toMatch(/^logger\.km0\.name=kafka$/m)
    expect(s.log4jOverrides).toMatch(/^appender\.kmSyslog\.appName=kafka-3$/m)
  })
})
