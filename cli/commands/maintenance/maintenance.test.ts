/** The `maintenance *` commands against a mocked master: the operator calls each sends (Mesos maintenance primitives) and what it prints. */
// Calls and shapes: include/mesos/v1/master/master.proto (GET_MAINTENANCE_SCHEDULE, UPDATE_MAINTENANCE_SCHEDULE,
// GET_MAINTENANCE_STATUS, START_MAINTENANCE, STOP_MAINTENANCE) and include/mesos/v1/maintenance/maintenance.proto.

import { HttpResponse, http } from 'msw'
import { describe, expect, test } from 'vitest'
import { MASTER, mockApi, runCommand, tableCells } from '../cli.test-support.js'
import MaintenanceSchedule from './schedule.js'
import MaintenanceStart from './start.js'
import MaintenanceStatus from './status.js'
import MaintenanceStop from './stop.js'
import MaintenanceUnschedule from './unschedule.js'

const api = mockApi()
const START = Date.parse('2030-01-01T02:00:00Z')
const window = (machine_ids: object[]) => ({
  machine_ids,
  unavailability: { start: { nanoseconds: START * 1e6 }, duration: { nanoseconds: 90 * 60e9 } },
})
/** A master whose schedule is `windows` (and `status`), answering updates 200 with no body. */
const masterWith = (windows: object[], status: object = {}) =>
  api.master((call) => {
    if (call.type === 'GET_MAINTENANCE_SCHEDULE')
      return { body: { type: call.type, get_maintenance_schedule: { schedule: { windows } } } }
    if (call.type === 'GET_MAINTENANCE_STATUS') return { body: { type: call.type, get_maintenance_status: { status } } }
    return { text: '', status: 200 }
  })

describe('maintenance schedule', () => {
  test('adds a window to the windows already there; the machines are DRAINING', async () => {
    const existing = window([{ hostname: 'host-z' }])
    masterWith([existing])
    const r = await runCommand(MaintenanceSchedule, [
      'host-a,10.0.0.2',
      '--start',
      '2030-01-01T02:00:00Z',
      '--duration',
      '90m',
      '--master',
      MASTER,
    ])
    expect(api.masterCalls).toEqual([
      { type: 'GET_MAINTENANCE_SCHEDULE' },
      {
        type: 'UPDATE_MAINTENANCE_SCHEDULE',
        update_maintenance_schedule: {
          schedule: { windows: [existing, window([{ hostname: 'host-a' }, { ip: '10.0.0.2' }])] },
        },
      },
    ])
    expect(r).toMatchObject({
      code: 0,
      stdout: 'machines host-a, 10.0.0.2 are DRAINING: unavailable from 2030-01-01T02:00:00.000Z for 90m\n',
    })
  })

  test('--json; the master from KM_MASTER; bad --start and --duration are refused before any call', async () => {
    masterWith([])
    process.env.KM_MASTER = MASTER
    try {
      const r = await runCommand(MaintenanceSchedule, ['h', '--start', '2030-01-01T02:00:00Z', '--json'])
      expect(JSON.parse(r.stdout)).toEqual({
        scheduled: [{ hostname: 'h' }],
        unavailability: { start: { nanoseconds: START * 1e6 }, duration: { nanoseconds: 3600e9 } },
      })
      api.masterCalls.length = 0
      const duration = await runCommand(MaintenanceSchedule, ['h', '--duration', 'soon'])
      expect(duration.stderr).toMatch(/^Error: --duration: invalid period "soon"/)
      expect(duration.code).toBe(1)
      expect(await runCommand(MaintenanceSchedule, ['h', '--start', 'tomorrow'])).toMatchObject({
        stderr:
          'Error: --start: "tomorrow" is not a time; use an ISO-8601 time such as 2026-11-23T02:00:00Z, "now", or +30m\n',
        code: 1,
      })
      expect((await runCommand(MaintenanceSchedule, [','])).stderr).toBe(
        'Error: machines: expected host names or IPv4 addresses such as host-a,10.0.0.2\n',
      )
      expect(api.masterCalls).toEqual([])
    } finally {
      delete process.env.KM_MASTER
    }
  })
})

describe('maintenance start and stop', () => {
  test('start: START_MAINTENANCE with the machines; "are DOWN"; --json', async () => {
    masterWith([])
    expect(await runCommand(MaintenanceStart, ['host-a', '--master', MASTER])).toMatchObject({
      code: 0,
      stdout: 'machines host-a are DOWN\n',
    })
    expect(api.masterCalls).toEqual([
      { type: 'START_MAINTENANCE', start_maintenance: { machines: [{ hostname: 'host-a' }] } },
    ])
    expect(JSON.parse((await runCommand(MaintenanceStart, ['10.0.0.2', '--master', MASTER, '--json'])).stdout)).toEqual(
      { machines: [{ ip: '10.0.0.2' }] },
    )
  })

  test('stop: STOP_MAINTENANCE; "are UP and may register agents again"; --json', async () => {
    masterWith([])
    expect((await runCommand(MaintenanceStop, ['host-a', '--master', MASTER])).stdout).toBe(
      'machines host-a are UP and may register agents again\n',
    )
    expect(api.masterCalls).toEqual([
      { type: 'STOP_MAINTENANCE', stop_maintenance: { machines: [{ hostname: 'host-a' }] } },
    ])
    expect(JSON.parse((await runCommand(MaintenanceStop, ['host-a', '--master', MASTER, '--json'])).stdout)).toEqual({
      machines: [{ hostname: 'host-a' }],
    })
  })

  test("a standby master's 307 is followed to the leader", async () => {
    api.server.use(
      http.post(
        'http://standby.test:5050/api/v1',
        () => new HttpResponse(null, { status: 307, headers: { location: `//${MASTER}/api/v1` } }),
      ),
    )
    masterWith([])
    expect((await runCommand(MaintenanceStop, ['host-a', '--master', 'standby.test:5050'])).stdout).toBe(
      'machines host-a are UP and may register agents again\n',
    )
    expect(api.masterCalls.map((c) => c.type)).toEqual(['STOP_MAINTENANCE'])
  })
})

describe('maintenance status', () => {
  test('one row per scheduled machine: mode, window, and the inverse offer answers', async () => {
    masterWith([window([{ hostname: 'host-a' }, { ip: '10.0.0.2' }])], {
      draining_machines: [
        { id: { ip: '10.0.0.2' }, statuses: [{ status: 'ACCEPT', framework_id: { value: 'fw-1' } }] },
      ],
      down_machines: [{ hostname: 'host-a' }],
    })
    const r = await runCommand(MaintenanceStatus, ['--master', MASTER])
    expect(api.masterCalls.map((c) => c.type)).toEqual(['GET_MAINTENANCE_SCHEDULE', 'GET_MAINTENANCE_STATUS'])
    const rows = tableCells(r.stdout)
    expect(rows).toEqual([
      ['machine', 'mode', 'unavailable from (UTC)', 'for', 'inverse offer answers'],
      ['host-a', 'DOWN', '2030-01-01T02:00:00Z', '1h30m', '-'],
      ['10.0.0.2', 'DRAINING', '2030-01-01T02:00:00Z', '1h30m', 'fw-1: ACCEPT'],
    ])
  })

  test('an empty schedule; --json holds the schedule and the status', async () => {
    masterWith([])
    expect((await runCommand(MaintenanceStatus, ['--master', MASTER])).stdout).toBe(
      'no machine is scheduled for maintenance\n',
    )
    expect(JSON.parse((await runCommand(MaintenanceStatus, ['--master', MASTER, '--json'])).stdout)).toEqual({
      schedule: { windows: [] },
      status: { draining_machines: [], down_machines: [] },
    })
  })
})

describe('maintenance unschedule', () => {
  test('takes the machines out of their windows and drops empty windows', async () => {
    masterWith([window([{ hostname: 'host-a' }, { ip: '10.0.0.2' }]), window([{ hostname: 'host-b' }])])
    const r = await runCommand(MaintenanceUnschedule, ['10.0.0.2,host-b', '--master', MASTER])
    expect(api.masterCalls[1]).toEqual({
      type: 'UPDATE_MAINTENANCE_SCHEDULE',
      update_maintenance_schedule: { schedule: { windows: [window([{ hostname: 'host-a' }])] } },
    })
    expect(r).toMatchObject({ code: 0, stdout: 'machines 10.0.0.2, host-b are UP and off the schedule\n' })
  })

  test('a machine not in the schedule is an error, and nothing is updated; --json', async () => {
    masterWith([window([{ hostname: 'host-a' }])])
    expect(await runCommand(MaintenanceUnschedule, ['host-z', '--master', MASTER])).toMatchObject({
      stderr: 'Error: not in the maintenance schedule: host-z (see "maintenance status")\n',
      code: 1,
    })
    expect(api.masterCalls.map((c) => c.type)).toEqual(['GET_MAINTENANCE_SCHEDULE'])
    expect(
      JSON.parse((await runCommand(MaintenanceUnschedule, ['host-a', '--master', MASTER, '--json'])).stdout),
    ).toEqual({ unscheduled: ['host-a'] })
  })
})
