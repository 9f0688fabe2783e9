/** The meta-framework's state file: saved and read back, none yet, and a foreign file refused and left untouched. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, describe, expect, test } from 'vitest'
import { AppSchema } from './app.js'
import { AppsStateError, AppsStateFile } from './state.js'
import type { AppTask } from './task.js'

const dir = mkdtempSync(join(tmpdir(), 'km-apps-state-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const log = pino({ level: 'silent' })

describe('apps state file', () => {
  test('what is saved is read back, without the tasks’ health; no file yet is no state', async () => {
    const file = new AppsStateFile(join(dir, 'state.json'), log)
    expect(await file.load()).toBeUndefined()
    const app = AppSchema.parse({ id: '/web', cmd: 'serve' })
    const task: AppTask = {
      id: 'web.1',
      appId: '/web',
      agentId: 'S1',
      host: '127.0.1.1',
      ports: [31000],
      attributes: { rack: 'r1' },
      state: 'TASK_RUNNING',
      stagedAt: 1,
      startedAt: 2,
      health: [{ alive: true, consecutiveFailures: 0 }],
    }
    await file.save({
      frameworkId: 'fw-1',
      apps: [app],
      tasks: [task],
      backoff: new Map([['/web', { failures: 2, last: 3 }]]),
    })
    const { health: _health, ...stored } = task
    expect(await file.load()).toEqual({
      kind: 'kafka-mesos-apps',
      version: 1,
      frameworkId: 'fw-1',
      apps: [app],
      tasks: [stored],
      backoff: { '/web': { failures: 2, last: 3 } },
    })
  })

  test('a file that is not an apps state file is refused (KM_ERR_APPS_STATE) and left as it was', async () => {
    const path = join(dir, 'other.json')
    writeFileSync(path, '{"brokers": []}')
    const error = await new AppsStateFile(path, log).load().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(AppsStateError)
    expect(error).toMatchObject({ code: 'KM_ERR_APPS_STATE' })
    expect((error as Error).message).toMatch(/is not a kafka-mesos apps state file .*; it was left untouched$/s)
    expect(readFileSync(path, 'utf8')).toBe('{"brokers": []}')
  })
})
