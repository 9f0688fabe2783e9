/** The human output of the broker commands, line by line (mesos/kafka's BrokerCli). */
import { describe, expect, test } from 'vitest'

import { BrokerJson, RemoveResponse, StartStopResponse } from '../client/index.js'
import {
  formatAddUpdate,
  formatBroker,
  formatList,
  formatRemoved,
  formatStartStop,
  startStopTimeoutMessage,
} from './broker.js'

const running = BrokerJson.parse({
  id: '0',
  active: true,
  cpus: 0.5,
  mem: 768,
  heap: 256,
  options: 'log.retention.hours=24,num.io.threads=4',
  constraints: 'hostname=unique',
  jvmOptions: '-XX:+UseG1GC',
  needsRestart: true,
  stickiness: { period: '10m', hostname: '127.0.1.1' },
  failover: { delay: '1m', maxDelay: '10m', maxTries: 5, failures: 0 },
  task: {
    id: 'kafka-0-6a1e1c9e-0000-4000-8000-000000000000',
    slaveId: 'S1',
    executorId: 'kafka-0-6a1e1c9e-0000-4000-8000-000000000000',
    hostname: '127.0.1.1',
    endpoint: '127.0.1.1:31000',
    attributes: { rack: 'r1', dc: 'dc1' },
    state: 'running',
  },
  state: 'running',
})

const stopped = BrokerJson.parse({
  id: 1, // a number is accepted too
  active: false,
  cpus: 1,
  mem: 2048,
  heap: 1024,
  port: '31090..31100',
  options: '',
  jvmOptions: '',
  javaCmd: 'exec java',
  needsRestart: false,
  stickiness: { period: '10m', hostname: 'h2', stopTime: '2026-11-22 10:00:00.000' },
  failover: { delay: '1m', maxDelay: '10m' },
  state: 'stopped',
})

describe("formatBroker (mesos/kafka's printBroker)", () => {
  test('running broker with task, needs restart', () => {
    expect(formatBroker(running)).toBe(
      [
        'id: 0',
        'active: true',
        'state: running (modified, needs restart)',
        'resources: cpus:0.50, mem:768, heap:256, port:auto',
        'constraints: hostname=unique',
        'options: log.retention.hours=24,num.io.threads=4',
        'jvm-options: -XX:+UseG1GC',
        'failover: delay:1m, max-delay:10m, max-tries:5',
        'stickiness: period:10m, hostname:127.0.1.1',
        'task:',
        '  id: kafka-0-6a1e1c9e-0000-4000-8000-000000000000',
        '  state: running',
        '  endpoint: 127.0.1.1:31000',
        '  attributes: rack=r1,dc=dc1',
      ].join('\n'),
    )
  })

  test('changes since launch: applied live and needing a restart, right under the state', () => {
    const b = BrokerJson.parse({
      ...running,
      changes: { live: { 'num.io.threads': '4' }, restart: ['mem', 'num.partitions'] },
    })
    const lines = formatBroker(b).split('\n')
    expect(lines[2]).toBe('state: running (modified, needs restart)')
    expect(lines[3]).toBe('changes: applied live: num.io.threads=4; need restart: mem,num.partitions')
    const liveOnly = BrokerJson.parse({
      ...running,
      needsRestart: false,
      changes: { live: { 'num.io.threads': '4' }, restart: [] },
    })
    expect(formatBroker(liveOnly)).toMatch(/^state: running\nchanges: applied live: num.io.threads=4\n/m)
  })

  test('stopped broker: port range, expires = stopTime + period, unset lines omitted', () => {
    expect(formatBroker(stopped, { indent: 1 })).toBe(
      [
        '  id: 1',
        '  active: false',
        '  state: stopped',
        '  resources: cpus:1.00, mem:2048, heap:1024, port:31090..31100',
        '  failover: delay:1m, max-delay:10m',
        '  stickiness: period:10m, hostname:h2, expires:2026-11-22 10:10:00.000',
      ].join('\n'),
    )
  })

  test("a failed broker shows its last failure's reason in one line, right under the state", () => {
    const b = BrokerJson.parse({
      ...stopped,
      active: true,
      state: 'failed 1 2026-11-22 10:00:00.000, next start 2026-11-22 10:01:00.000',
      failover: {
        delay: '1m',
        maxDelay: '10m',
        failures: 1,
        reason:
          'Kafka exited with code 1: port in use: 127.0.1.1:31000 is taken: stop what holds it or choose another --port',
      },
    })
    expect(formatBroker(b).split('\n').slice(2, 4)).toEqual([
      'state: failed 1 2026-11-22 10:00:00.000, next start 2026-11-22 10:01:00.000',
      'last failure: Kafka exited with code 1: port in use: 127.0.1.1:31000 is taken: stop what holds it or choose another --port',
    ])
    expect(formatBroker(BrokerJson.parse(stopped))).not.toContain('last failure')
  })

  test('an active broker without a task says why it waits', () => {
    const b = BrokerJson.parse({
      ...stopped,
      active: true,
      state: 'starting',
      waiting: {
        reason: 'rack=unique: rack r1 does not match (others: r1,r2,r3)',
        hostname: '127.0.1.1',
        time: '2026-11-22 10:00:00.000',
      },
    })
    expect(formatBroker(b).split('\n')[3]).toBe(
      'waiting: rack=unique: rack r1 does not match (others: r1,r2,r3) (offer from 127.0.1.1 at 2026-11-22 10:00:00.000)',
    )
    expect(formatBroker(BrokerJson.parse({ ...running, waiting: { reason: 'x' } }))).not.toContain('waiting:')
  })

  test('quiet hides options and jvm-options; bind-address adds the task hostname', () => {
    const b = BrokerJson.parse({ ...running, bindAddress: 'if:eth1', needsRestart: false })
    const text = formatBroker(b, { quiet: true })
    expect(text).not.toContain('options:')
    expect(text).toContain('bind-address: if:eth1')
    expect(text).toContain('  endpoint: 127.0.1.1:31000 (127.0.1.1)')
  })
})

describe('result lines', () => {
  test('list', () => {
    expect(formatList([])).toBe('no brokers')
    expect(formatList([running]).split('\n')[0]).toBe('broker:')
    const two = formatList([running, stopped])
    expect(two.startsWith('brokers:\n  id: 0\n')).toBe(true)
    expect(two).toContain('\n\n  id: 1\n')
    expect(two.endsWith('\n')).toBe(true)
  })

  test('add/update', () => {
    expect(formatAddUpdate('added', [running, stopped]).split('\n')[0]).toBe('brokers added:')
    expect(formatAddUpdate('updated', [stopped]).split('\n')[0]).toBe('broker updated:')
  })

  test('remove', () => {
    expect(formatRemoved(RemoveResponse.parse({ ids: ['0', '1'] }))).toBe('brokers 0,1 removed')
    expect(formatRemoved(RemoveResponse.parse({ ids: ['3'] }))).toBe('broker 3 removed')
    expect(formatRemoved(RemoveResponse.parse({ ids: '4,5' }))).toBe('brokers 4,5 removed')
  })

  test('start/stop', () => {
    const res = (status: string, n: number) =>
      StartStopResponse.parse({ status, brokers: [running, stopped].slice(0, n) })
    expect(formatStartStop('start', res('started', 2)).split('\n')[0]).toBe('brokers started:')
    expect(formatStartStop('stop', res('stopped', 1)).split('\n')[0]).toBe('broker stopped:')
    expect(formatStartStop('start', res('scheduled', 2)).split('\n')[0]).toBe('brokers scheduled to start:')
    expect(startStopTimeoutMessage('start', res('timeout', 2))).toBe('brokers start timeout')
    expect(startStopTimeoutMessage('stop', res('timeout', 1))).toBe('broker stop timeout')
  })
})
