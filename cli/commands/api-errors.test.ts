/** The failure paths every REST-backed command shares: a 400, a 409 and a refused connection, printed as `Error: <message>` with exit 1 (or the error JSON with --json). */
// mesos/kafka's CLI printed the server's message as `Error: <message>` and exited 1
// (src/scala/ly/stealth/mesos/kafka/cli/Cli.scala, `handleGenericErrors`); ours does the same with the
// message from our JSON error body.

import { describe, expect, test } from 'vitest'
import BrokerAdd from './broker/add.js'
import BrokerClone from './broker/clone.js'
import BrokerList from './broker/list.js'
import BrokerLog from './broker/log.js'
import BrokerMetrics from './broker/metrics.js'
import BrokerRemove from './broker/remove.js'
import BrokerRestart from './broker/restart.js'
import BrokerStart from './broker/start.js'
import BrokerStop from './broker/stop.js'
import BrokerUpdate from './broker/update.js'
import { API, MASTER, mockApi, runCommand } from './cli.test-support.js'
import ControllerAdd from './controller/add.js'
import ControllerList from './controller/list.js'
import ControllerRemove from './controller/remove.js'
import ControllerReplace from './controller/replace.js'
import LogOps from './log/ops.js'
import MaintenanceSchedule from './maintenance/schedule.js'
import MaintenanceStart from './maintenance/start.js'
import MaintenanceStatus from './maintenance/status.js'
import MaintenanceStop from './maintenance/stop.js'
import MaintenanceUnschedule from './maintenance/unschedule.js'
import QuotaList from './quota/list.js'
import QuotaSet from './quota/set.js'
import TopicAdd from './topic/add.js'
import TopicDelete from './topic/delete.js'
import TopicElectLeaders from './topic/elect-leaders.js'
import TopicList from './topic/list.js'
import TopicPartitions from './topic/partitions.js'
import TopicRealign from './topic/realign.js'
import TopicRebalance from './topic/rebalance.js'
import TopicUpdate from './topic/update.js'

const api = mockApi()

/** Each command of the scheduler API, the argv it runs with, and the path of its first request. */
const SCHEDULER_COMMANDS = [
  ['broker add', BrokerAdd, ['0'], 'broker/add'],
  ['broker clone', BrokerClone, ['1', '--source', '0'], 'broker/clone'],
  ['broker list', BrokerList, [], 'broker/list'],
  ['broker log', BrokerLog, ['0'], 'broker/log'],
  ['broker metrics', BrokerMetrics, ['0'], 'broker/metrics'],
  ['broker remove', BrokerRemove, ['0'], 'broker/remove'],
  ['broker restart', BrokerRestart, ['0'], 'broker/restart'],
  ['broker start', BrokerStart, ['0'], 'broker/start'],
  ['broker stop', BrokerStop, ['0'], 'broker/stop'],
  ['broker update', BrokerUpdate, ['0', '--mem', '1024'], 'broker/update'],
  ['controller add', ControllerAdd, [], 'controller/add'],
  ['controller list', ControllerList, [], 'controller/list'],
  ['controller remove', ControllerRemove, ['1000001'], 'controller/remove'],
  ['controller replace', ControllerReplace, ['1000001'], 'controller/replace'],
  ['log ops', LogOps, [], 'log/ops'],
  ['quota list', QuotaList, [], 'quota/list'],
  ['quota set', QuotaSet, ['app-1', '--producer-byte-rate', '1024'], 'quota/set'],
  ['topic add', TopicAdd, ['t'], 'topic/add'],
  ['topic delete', TopicDelete, ['t'], 'topic/delete'],
  ['topic elect-leaders', TopicElectLeaders, ['t'], 'topic/elect-leaders'],
  ['topic list', TopicList, [], 'topic/list'],
  ['topic partitions', TopicPartitions, [], 'partition/list'],
  ['topic realign', TopicRealign, ['t'], 'topic/rebalance'],
  ['topic rebalance', TopicRebalance, ['t'], 'topic/rebalance'],
  ['topic rebalance --timeout (streamed)', TopicRebalance, ['t', '--timeout', '1m'], 'topic/rebalance'],
  ['topic update', TopicUpdate, ['t', '--options', 'retention.ms=1000'], 'topic/update'],
] as const

describe.each(SCHEDULER_COMMANDS)('%s against a failing scheduler API', (_name, cmd, argv, path) => {
  test('400: Error: <the server message> on stderr, nothing on stdout, exit 1', async () => {
    api.answer(path, { body: { error: 'broker 0 not found', code: 'KM_ERR_NOT_FOUND' }, status: 400 })
    const r = await runCommand(cmd, [...argv, '--api', API])
    expect(api.seen.map((s) => s.path)).toEqual([`/api/${path}`])
    expect(r).toMatchObject({ stderr: 'Error: broker 0 not found\n', stdout: '', code: 1 })
  })

  test('409: the same, with the conflict message', async () => {
    api.answer(path, { body: { error: 'a rolling restart is already running', code: 'KM_ERR_BUSY' }, status: 409 })
    const r = await runCommand(cmd, [...argv, '--api', API])
    expect(r).toMatchObject({ stderr: 'Error: a rolling restart is already running\n', stdout: '', code: 1 })
  })

  test('--json: the error JSON {"error","code"} on stdout, exit 1', async () => {
    api.answer(path, { body: { error: 'a rolling restart is already running', code: 'KM_ERR_BUSY' }, status: 409 })
    const r = await runCommand(cmd, [...argv, '--api', API, '--json'])
    expect(JSON.parse(r.stdout)).toEqual({ error: 'a rolling restart is already running', code: 'KM_ERR_BUSY' })
    expect(r.code).toBe(1)
  })

  test('connection refused: Error: cannot reach the scheduler API at <url>: ECONNREFUSED, exit 1', async () => {
    const down = await api.refused()
    const r = await runCommand(cmd, [...argv, '--api', down])
    expect(r).toMatchObject({
      stderr: `Error: cannot reach the scheduler API at ${down}: ECONNREFUSED\n`,
      stdout: '',
      code: 1,
    })
  })

  test('no API given anywhere: the documented error, exit 1, nothing sent', async () => {
    const saved = process.env.KM_API
    delete process.env.KM_API
    try {
      const r = await runCommand(cmd, [...argv])
      expect(r).toMatchObject({
        stderr: 'Error: Undefined api. Provide --api, KM_API or api= in ./kafka-mesos.properties\n',
        code: 1,
      })
      expect(api.seen).toEqual([])
    } finally {
      if (saved !== undefined) process.env.KM_API = saved
    }
  })
})

test("--json keeps the code a newer scheduler sends, even one this CLI's table does not know", async () => {
  api.answer('broker/list', { body: { error: 'not in this version', code: 'KM_ERR_FROM_THE_FUTURE' }, status: 400 })
  const r = await runCommand(BrokerList, ['--api', API, '--json'])
  expect(JSON.parse(r.stdout)).toEqual({ error: 'not in this version', code: 'KM_ERR_FROM_THE_FUTURE' })
  expect(r.code).toBe(1)
})

/** The maintenance commands, which talk to the master's operator API, with their first call. */
const MASTER_COMMANDS = [
  ['maintenance schedule', MaintenanceSchedule, ['host-a'], 'GET_MAINTENANCE_SCHEDULE'],
  ['maintenance start', MaintenanceStart, ['host-a'], 'START_MAINTENANCE'],
  ['maintenance status', MaintenanceStatus, [], 'GET_MAINTENANCE_SCHEDULE'],
  ['maintenance stop', MaintenanceStop, ['host-a'], 'STOP_MAINTENANCE'],
  ['maintenance unschedule', MaintenanceUnschedule, ['host-a'], 'GET_MAINTENANCE_SCHEDULE'],
] as const

describe.each(MASTER_COMMANDS)('%s against a failing master', (_name, cmd, argv, call) => {
  test("400: Error: master <address> refused <call>: <the master's reason>, exit 1", async () => {
    api.master(() => ({ text: 'Failed to validate master::Call: machine host-a is not scheduled', status: 400 }))
    const r = await runCommand(cmd, [...argv, '--master', MASTER])
    expect(api.masterCalls.map((c) => c.type)).toEqual([call])
    expect(r).toMatchObject({
      stderr: `Error: master ${MASTER} refused ${call}: machine host-a is not scheduled\n`,
      stdout: '',
      code: 1,
    })
  })

  test('409: the same', async () => {
    api.master(() => ({ text: 'machine host-a is DOWN', status: 409 }))
    const r = await runCommand(cmd, [...argv, '--master', MASTER])
    expect(r).toMatchObject({ stderr: `Error: master ${MASTER} refused ${call}: machine host-a is DOWN\n`, code: 1 })
  })

  test('--json: the error JSON with code KM_ERR_MASTER, exit 1', async () => {
    api.master(() => ({ text: 'machine host-a is DOWN', status: 409 }))
    const r = await runCommand(cmd, [...argv, '--master', MASTER, '--json'])
    expect(JSON.parse(r.stdout)).toEqual({
      error: `master ${MASTER} refused ${call}: machine host-a is DOWN`,
      code: 'KM_ERR_MASTER',
    })
    expect(r.code).toBe(1)
  })

  test('connection refused: Error: cannot reach a leading master, exit 1', async () => {
    const down = (await api.refused()).replace('http://', '')
    const r = await runCommand(cmd, [...argv, '--master', down])
    expect(r).toMatchObject({
      stderr: `Error: cannot reach a leading master (${down}: fetch failed); pass --master host:port or set KM_MASTER\n`,
      stdout: '',
      code: 1,
    })
  })
})
