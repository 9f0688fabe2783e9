/** The compiled `kafka-mesos maintenance ...` in a child process against a real master: schedule, start, stop, unschedule and bad input. */
// A real master on port 0: schedule → DRAINING, start → DOWN, stop → UP; bad input is `Error: ...` and exit 1.

import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { type RunningMaster, startMaster } from '../core-cluster/master/index.js'

const bin = join(fileURLToPath(new URL('..', import.meta.url)), 'bin', 'run.js')
let master: RunningMaster

function km(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, KM_MASTER: master.address }
  delete env.NODE_ENV
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, 'maintenance', ...args], { env, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    )
  })
}

beforeAll(async () => {
  master = await startMaster({ host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) })
})
afterAll(() => master.close())

describe('kafka-mesos maintenance', () => {
  test('schedule, status, start, stop; bad input names the problem', async () => {
    expect((await km('status')).stdout).toContain('no machine is scheduled for maintenance')

    const scheduled = await km('schedule', 'host-a,10.0.0.2', '--start', '2030-01-01T02:00:00Z', '--duration', '90m')
    expect(scheduled).toMatchObject({ code: 0, stderr: '' })
    expect(scheduled.stdout).toContain(
      'machines host-a, 10.0.0.2 are DRAINING: unavailable from 2030-01-01T02:00:00.000Z for 90m',
    )
    const table = (await km('status')).stdout
    expect(table).toMatch(/host-a\s+│\s+DRAINING\s+│\s+2030-01-01T02:00:00Z\s+│\s+1h30m\s+│\s+none yet/)
    expect(table).toMatch(/10\.0\.0\.2\s+│\s+DRAINING/)

    expect(await km('start', 'host-b')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'Error: master ' +
          master.address +
          ' refused START_MAINTENANCE: machine host-b is not in the maintenance schedule',
      ),
    })
    expect(await km('schedule', 'host-a')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('machine host-a appears more than once in the schedule'),
    })
    expect(await km('schedule', 'host-c', '--duration', 'soon')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Error: --duration: invalid period "soon"'),
    })
    expect(await km('schedule', 'host-c', '--start', 'tomorrow')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('--start: "tomorrow" is not a time'),
    })

    expect(await km('start', 'host-a')).toMatchObject({ code: 0, stdout: 'machines host-a are DOWN\n' })
    const json = JSON.parse((await km('status', '--json')).stdout) as {
      status: { down_machines: unknown[]; draining_machines: Array<{ id: unknown }> }
    }
    expect(json.status.down_machines).toEqual([{ hostname: 'host-a' }])
    expect(json.status.draining_machines.map((d) => d.id)).toEqual([{ ip: '10.0.0.2' }])
    expect(await km('unschedule', 'host-a')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('machine host-a is DOWN and cannot be removed from the schedule'),
    })

    expect(await km('stop', 'host-a')).toMatchObject({
      code: 0,
      stdout: 'machines host-a are UP and may register agents again\n',
    })
    expect(await km('unschedule', '10.0.0.2')).toMatchObject({ code: 0 })
    expect((await km('status')).stdout).toContain('no machine is scheduled for maintenance')
    expect(await km('status', '--master', '127.0.0.1:1')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Error: cannot reach a leading master'),
    })
  }, 60_000)
})
