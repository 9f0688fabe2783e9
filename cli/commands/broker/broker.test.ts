/** The `broker *` commands against a mocked scheduler API: the request each sends, its human output and its --json output. */
// Output lines follow mesos/kafka's BrokerCli (src/scala/ly/stealth/mesos/kafka/cli/BrokerCli.scala).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, test } from 'vitest'
import { metricsTable } from '../../format/index.js'
import { API, brokerJson, mockApi, runCommand, runningTask } from '../cli.test-support.js'
import BrokerAdd from './add.js'
import BrokerClone from './clone.js'
import BrokerList from './list.js'
import BrokerLog from './log.js'
import BrokerMetrics from './metrics.js'
import BrokerRemove from './remove.js'
import BrokerRestart from './restart.js'
import BrokerStart from './start.js'
import BrokerStop from './stop.js'
import BrokerUpdate from './update.js'

const api = mockApi()
const stopped = (id: string) =>
  [
    `  id: ${id}`,
    '  active: false',
    '  state: stopped',
    '  resources: cpus:0.50, mem:768, heap:256, port:auto',
    '  failover: delay:1m, max-delay:10m',
    '  stickiness: period:10m',
  ].join('\n')

describe('broker add', () => {
  test('sends the settings as form params and prints "brokers added:" with each broker', async () => {
    const answer = {
      brokers: [brokerJson('0', { role: 'broker,controller', options: 'num.io.threads=4' }), brokerJson('1')],
    }
    api.answer('broker/add', answer)
    const settings = ['--cpus', '0.5', '--mem', '768', '--heap', '256', '--options', 'num.io.threads=4']
    const r = await runCommand(BrokerAdd, [
      '0..1',
      ...settings,
      ...['--failover-max-tries', '', '--no-syslog', '--role', 'broker,controller', '--api', API],
    ])
    expect(api.seen[0].form).toEqual({
      broker: '0..1',
      cpus: '0.5',
      mem: '768',
      heap: '256',
      options: 'num.io.threads=4',
      failoverMaxTries: '',
      syslog: 'false',
      role: 'broker,controller',
    })
    expect(api.seen[0].headers.get('content-type')).toBe('application/x-www-form-urlencoded; charset=utf-8')
    expect(api.seen[0].headers.get('authorization')).toBeNull() // no credential given: none sent
    expect(r).toMatchObject({ code: 0, stderr: '' })
    expect(r.stdout).toBe(
      [
        'brokers added:',
        '  id: 0',
        '  role: broker,controller',
        '  active: false',
        '  state: stopped',
        '  resources: cpus:0.50, mem:768, heap:256, port:auto',
        '  options: num.io.threads=4',
        '  failover: delay:1m, max-delay:10m',
        '  stickiness: period:10m',
        '',
        stopped('1'),
        '',
        '',
      ].join('\n'),
    )
  })

  test('--json prints the server JSON as it came', async () => {
    const answer = { brokers: [brokerJson('0')] }
    api.answer('broker/add', answer)
    const r = await runCommand(BrokerAdd, ['0', '--api', API, '--json'])
    expect(JSON.parse(r.stdout)).toEqual(answer)
    expect(r.code).toBe(0)
  })

  test('--options file:<path> is read here and sent as an escaped k=v map; a missing file is an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'km-broker-add-'))
    try {
      writeFileSync(join(dir, 'server.properties'), '# kafka\nlog.dirs=/a,/b\n')
      api.answer('broker/add', { brokers: [brokerJson('7')] })
      await runCommand(BrokerAdd, ['7', '--options', `file:${join(dir, 'server.properties')}`, '--api', API])
      expect(api.seen[0].form.options).toBe('log.dirs=/a\\,/b')
      const missing = await runCommand(BrokerAdd, ['8', '--log4j-options', 'file:/nonexistent/x', '--api', API])
      expect(missing).toMatchObject({
        stderr: 'Error: --log4j-options: cannot read file "/nonexistent/x": ENOENT\n',
        code: 1,
      })
      expect(api.seen).toHaveLength(1)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('bad input is refused by oclif before any request: a missing <expr>, an unknown --role', async () => {
    expect((await runCommand(BrokerAdd, ['--api', API])).code).toBe(2)
    const role = await runCommand(BrokerAdd, ['0', '--role', 'controller', '--api', API])
    expect(role.code).toBe(2)
    expect(role.error?.message).toContain('Expected --role=controller to be one of: broker, broker,controller')
    expect(api.seen).toEqual([])
  })

  test('an answer of the wrong shape: Error: unexpected answer from broker/add: ..., exit 1', async () => {
    api.answer('broker/add', { brokers: 'none' })
    const r = await runCommand(BrokerAdd, ['0', '--api', API])
    expect(r.stderr).toMatch(/^Error: unexpected answer from broker\/add: /)
    expect(r.code).toBe(1)
  })
})

describe('broker clone', () => {
  test('sends broker and source; prints "broker cloned:"', async () => {
    api.answer('broker/clone', { brokers: [brokerJson('3')] })
    const r = await runCommand(BrokerClone, ['3', '--source', '0', '--api', API])
    expect(api.seen[0].form).toEqual({ broker: '3', source: '0' })
    expect(r).toMatchObject({ code: 0, stdout: `broker cloned:\n${stopped('3')}\n\n` })
  })

  test('--json; --source is required', async () => {
    api.answer('broker/clone', { brokers: [brokerJson('3')] })
    expect(JSON.parse((await runCommand(BrokerClone, ['3', '--source', '0', '--api', API, '--json'])).stdout)).toEqual({
      brokers: [brokerJson('3')],
    })
    expect((await runCommand(BrokerClone, ['3', '--api', API])).code).toBe(2)
  })
})

describe('broker list', () => {
  const running = brokerJson('0', {
    active: true,
    state: 'running',
    options: 'num.io.threads=4',
    task: runningTask('0'),
    metrics: { timestamp: Date.UTC(2026, 0, 2, 3, 4, 5), 'kafka.server,ReplicaManager,UnderReplicatedPartitions': 0 },
  })

  test('expr defaults to *; a running broker with its task and metrics', async () => {
    api.answer('broker/list', { brokers: [running] })
    const r = await runCommand(BrokerList, ['--api', API])
    expect(api.seen[0].form).toEqual({ broker: '*' })
    expect(r.stdout).toBe(
      [
        'broker:',
        '  id: 0',
        '  active: true',
        '  state: running',
        '  resources: cpus:0.50, mem:768, heap:256, port:auto',
        '  options: num.io.threads=4',
        '  failover: delay:1m, max-delay:10m',
        '  stickiness: period:10m',
        '  task:',
        '    id: kafka-0-0000',
        '    state: running',
        '    endpoint: 127.0.1.1:31000',
        '    attributes: rack=r1',
        '  metrics:',
        '    collected: 2026-01-02 03:04:05.000',
        '    under-replicated-partitions: 0',
        '',
        '',
      ].join('\n'),
    )
  })

  test('--quiet hides options; no brokers prints "no brokers"; --json is the server JSON', async () => {
    api.answer('broker/list', (form) => ({ body: { brokers: form.broker === 'none' ? [] : [running] } }))
    expect((await runCommand(BrokerList, ['0', '--quiet', '--api', API])).stdout).not.toContain('options:')
    expect((await runCommand(BrokerList, ['none', '--api', API])).stdout).toBe('no brokers\n')
    expect(JSON.parse((await runCommand(BrokerList, ['0', '--json', '--api', API])).stdout)).toEqual({
      brokers: [running],
    })
    expect(api.seen.map((s) => s.form.broker)).toEqual(['0', 'none', '0'])
  })
})

describe('broker log', () => {
  test('sends broker, name and lines; prints the content as it is', async () => {
    api.answer('broker/log', { status: 'ok', content: 'line 1\nline 2' })
    const r = await runCommand(BrokerLog, ['0', '--name', 'server.log', '--lines', '5', '--api', API])
    expect(api.seen[0].form).toEqual({ broker: '0', name: 'server.log', lines: '5' })
    expect(r).toMatchObject({ code: 0, stdout: 'line 1\nline 2\n', stderr: '' })
  })

  test('several brokers: a header per broker or controller; a failed one is the error, exit 1', async () => {
    api.answer('broker/log', {
      '0': { status: 'ok', content: 'zero\n' },
      '1000000': { status: 'timeout', content: '', error: 'broker 1000000 log retrieve timeout' },
      '1000001': { status: 'ok', content: 'controller\n' },
    })
    const r = await runCommand(BrokerLog, ['0,1000000..1000001', '--timeout', '5s', '--api', API])
    expect(api.seen[0].form).toEqual({ broker: '0,1000000..1000001', name: 'stdout', lines: '100', timeout: '5s' })
    expect(r.stdout).toBe('==> broker 0 stdout <==\nzero\n==> controller 1000001 stdout <==\ncontroller\n')
    expect(r).toMatchObject({ stderr: 'Error: broker 1000000 log retrieve timeout\n', code: 1 })
  })

  test('--json: the answer, exit 1 when a broker failed; no broker matched is an error', async () => {
    const failed = { status: 'failure', content: '', error: 'no file x.log; there are: server.log' }
    api.answer('broker/log', failed)
    const r = await runCommand(BrokerLog, ['0', '--name', 'x.log', '--json', '--api', API])
    expect(JSON.parse(r.stdout)).toEqual(failed)
    expect(r.code).toBe(1)
    api.answer('broker/log', null)
    expect(await runCommand(BrokerLog, ['9', '--api', API])).toMatchObject({
      stderr: 'Error: broker 9: no broker matched\n',
      code: 1,
    })
  })
})

describe('broker metrics', () => {
  const metrics = {
    '0': { timestamp: Date.UTC(2026, 0, 2, 3, 4, 5), 'kafka.server,BrokerTopicMetrics,MessagesInPerSec': 12.5 },
  }

  test("sends the filters joined by newlines; prints the table, and other brokers' errors as warnings", async () => {
    api.answer('broker/metrics', { metrics, errors: { '1': 'broker 1 is not running' } })
    const r = await runCommand(BrokerMetrics, [
      '0..1',
      '--filter',
      '.*PerSec',
      '--filter',
      '.*Count',
      '--controllers',
      '--timeout',
      '5s',
      '--api',
      API,
    ])
    expect(api.seen[0].form).toEqual({
      broker: '0..1',
      filter: '.*PerSec\n.*Count',
      controllers: 'true',
      timeout: '5s',
    })
    expect(r.stdout).toBe(`${metricsTable(metrics)}\n`)
    expect(r.stdout).toContain('12.500')
    expect(r).toMatchObject({ stderr: 'warning: broker 1 is not running\n', code: 0 })
  })

  test('no metrics at all: the errors, then Error: no broker answered with metrics, exit 1; --json exits 1 too', async () => {
    api.answer('broker/metrics', { metrics: {}, errors: { '0': 'broker 0 is not running' } })
    expect(await runCommand(BrokerMetrics, ['0', '--api', API])).toMatchObject({
      stdout: '',
      stderr: 'broker 0 is not running\nError: no broker answered with metrics\n',
      code: 1,
    })
    const json = await runCommand(BrokerMetrics, ['0', '--json', '--api', API])
    expect(JSON.parse(json.stdout)).toEqual({ metrics: {}, errors: { '0': 'broker 0 is not running' } })
    expect(json.code).toBe(1)
    api.answer('broker/metrics', { metrics: {}, errors: {} })
    expect((await runCommand(BrokerMetrics, ['7', '--api', API])).stderr).toBe('Error: broker 7: no broker matched\n')
  })

  test('--json with metrics exits 0', async () => {
    api.answer('broker/metrics', { metrics, errors: {} })
    const r = await runCommand(BrokerMetrics, ['0', '--json', '--api', API])
    expect(JSON.parse(r.stdout)).toEqual({ metrics, errors: {} })
    expect(r.code).toBe(0)
  })
})

describe('broker remove', () => {
  test('"brokers 0,1 removed"; a comma string of ids works too; --json', async () => {
    api.answer('broker/remove', (form) => ({ body: { ids: form.broker === '0..1' ? ['0', '1'] : '5' } }))
    expect(await runCommand(BrokerRemove, ['0..1', '--api', API])).toMatchObject({
      stdout: 'brokers 0,1 removed\n',
      code: 0,
    })
    expect((await runCommand(BrokerRemove, ['5', '--api', API])).stdout).toBe('broker 5 removed\n')
    expect(JSON.parse((await runCommand(BrokerRemove, ['5', '--api', API, '--json'])).stdout)).toEqual({ ids: '5' })
    expect(api.seen.map((s) => s.form)).toEqual([{ broker: '0..1' }, { broker: '5' }, { broker: '5' }])
  })
})

describe('broker restart', () => {
  test('asks for a stream, prints each progress line as it comes, then "brokers restarted:"', async () => {
    api.stream('broker/restart', [
      { progress: 'stopping broker 0' },
      { progress: 'starting broker 0' },
      { status: 'restarted', brokers: [brokerJson('0'), brokerJson('1')] },
    ])
    const r = await runCommand(BrokerRestart, ['0..1', '--timeout', '5m', '--noWaitForReplication', '--api', API])
    expect(api.seen[0].form).toEqual({ broker: '0..1', timeout: '5m', noWaitForReplication: 'true' })
    expect(api.seen[0].headers.get('accept')).toBe('application/x-ndjson, application/json')
    expect(r.stdout).toBe(
      `stopping broker 0\nstarting broker 0\nbrokers restarted:\n${stopped('0')}\n\n${stopped('1')}\n\n`,
    )
    expect(r.code).toBe(0)
  })

  test('a timeout: the progress, then Error: <message>, exit 1; --json prints only the answer, exit 1', async () => {
    const timeout = { status: 'timeout', brokers: [], message: 'broker 1 timeout on start' }
    api.stream('broker/restart', [{ progress: 'stopping broker 1' }, timeout])
    expect(await runCommand(BrokerRestart, ['1', '--api', API])).toMatchObject({
      stdout: 'stopping broker 1\n',
      stderr: 'Error: broker 1 timeout on start\n',
      code: 1,
    })
    const json = await runCommand(BrokerRestart, ['1', '--api', API, '--json'])
    expect(JSON.parse(json.stdout)).toEqual(timeout)
    expect(json.code).toBe(1)
  })

  test('an error line in the stream is the error', async () => {
    api.stream('broker/restart', [
      { progress: 'stopping broker 0' },
      { error: 'broker 0 not active', code: 'KM_ERR_NOT_ACTIVE' },
    ])
    expect(await runCommand(BrokerRestart, ['0', '--api', API])).toMatchObject({
      stdout: 'stopping broker 0\n',
      stderr: 'Error: broker 0 not active\n',
      code: 1,
    })
  })
})

describe('broker start and stop', () => {
  test('start: timeout passed on, "broker started:" / "brokers scheduled to start:"', async () => {
    api.answer('broker/start', (form) => ({
      body: {
        status: form.timeout === '0' ? 'scheduled' : 'started',
        brokers: form.broker.split(',').map((id) => brokerJson(id)),
      },
    }))
    expect((await runCommand(BrokerStart, ['0', '--api', API])).stdout).toBe(`broker started:\n${stopped('0')}\n\n`)
    expect((await runCommand(BrokerStart, ['0,1', '--timeout', '0', '--api', API])).stdout.split('\n')[0]).toBe(
      'brokers scheduled to start:',
    )
    expect(api.seen.map((s) => s.form)).toEqual([{ broker: '0' }, { broker: '0,1', timeout: '0' }])
  })

  test('start timeout: Error: brokers start timeout, exit 1; the server message when it has one; --json exits 1', async () => {
    api.answer('broker/start', (form) => ({
      body: {
        status: 'timeout',
        brokers: [brokerJson('0'), brokerJson('1')],
        ...(form.broker === '1' ? { message: 'broker 1 waits: no offer has 2048 MB' } : {}),
      },
    }))
    expect(await runCommand(BrokerStart, ['0,1', '--api', API])).toMatchObject({
      stderr: 'Error: brokers start timeout\n',
      stdout: '',
      code: 1,
    })
    expect((await runCommand(BrokerStart, ['1', '--api', API])).stderr).toBe(
      'Error: broker 1 waits: no offer has 2048 MB\n',
    )
    const json = await runCommand(BrokerStart, ['0,1', '--api', API, '--json'])
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'timeout' })
    expect(json.code).toBe(1)
  })

  test('stop --force: force=true; "broker stopped:"; timeout: Error: broker stop timeout; --json', async () => {
    api.answer('broker/stop', (form) => ({
      body: { status: form.timeout === '1s' ? 'timeout' : 'stopped', brokers: [brokerJson('0')] },
    }))
    expect((await runCommand(BrokerStop, ['0', '--force', '--api', API])).stdout).toBe(
      `broker stopped:\n${stopped('0')}\n\n`,
    )
    expect(api.seen[0].form).toEqual({ broker: '0', force: 'true' })
    expect(await runCommand(BrokerStop, ['0', '--timeout', '1s', '--api', API])).toMatchObject({
      stderr: 'Error: broker stop timeout\n',
      code: 1,
    })
    expect(JSON.parse((await runCommand(BrokerStop, ['0', '--api', API, '--json'])).stdout)).toEqual({
      status: 'stopped',
      brokers: [brokerJson('0')],
    })
  })
})

describe('broker update', () => {
  test('only the given flags are sent ("" unsets); "broker updated:" with what needs a restart', async () => {
    api.answer('broker/update', {
      brokers: [
        brokerJson('0', {
          active: true,
          state: 'running',
          needsRestart: true,
          changes: { live: { 'num.io.threads': '4' }, restart: ['mem'] },
        }),
      ],
    })
    const r = await runCommand(BrokerUpdate, [
      '0',
      '--mem',
      '1024',
      '--port',
      '',
      '--options',
      'num.io.threads=4',
      '--bind-address',
      '192.168.50.*',
      '--stickiness-period',
      '30m',
      '--syslog',
      '--api',
      API,
    ])
    expect(api.seen[0].form).toEqual({
      broker: '0',
      mem: '1024',
      port: '',
      options: 'num.io.threads=4',
      bindAddress: '192.168.50.*',
      stickinessPeriod: '30m',
      syslog: 'true',
    })
    expect(r.stdout.split('\n').slice(0, 6)).toEqual([
      'broker updated:',
      '  id: 0',
      '  active: true',
      '  state: running (modified, needs restart)',
      '  changes: applied live: num.io.threads=4; need restart: mem',
      '  resources: cpus:0.50, mem:768, heap:256, port:auto',
    ])
    expect(r.code).toBe(0)
  })

  test('--json', async () => {
    api.answer('broker/update', { brokers: [brokerJson('0')] })
    expect(JSON.parse((await runCommand(BrokerUpdate, ['0', '--heap', '512', '--json', '--api', API])).stdout)).toEqual(
      { brokers: [brokerJson('0')] },
    )
  })
})
