/** The agent's checkpoint files round-trip: agent id and address, executor runs, update streams. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { Checkpoint, type RunCheckpoint } from './checkpoint.js'

describe('agent checkpoint', () => {
  const dir = mkdtempSync(join(tmpdir(), 'km-ckpt-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  test('agent id, executor runs and update streams round-trip; removal forgets them', () => {
    const c = new Checkpoint(dir)
    expect(c.agentId()).toBeUndefined()
    c.saveAgentId('m-S1', { hostname: '127.0.1.1', port: 5051 })
    expect(new Checkpoint(dir).agentId({ hostname: '127.0.1.1', port: 5051 })).toBe('m-S1')
    // another address: not this agent's identity
    expect(new Checkpoint(dir).agentId({ hostname: '127.0.1.2', port: 5051 })).toBeUndefined()
    expect(new Checkpoint(dir).agentId({ hostname: '127.0.1.1', port: 5052 })).toBeUndefined()
    const run: RunCheckpoint = {
      frameworkId: 'fw/1',
      framework: { user: 'u', name: 'n', checkpoint: true },
      executorId: 'ex 1',
      info: { executor_id: { value: 'ex 1' } },
      commandExecutor: true,
      containerId: 'c1',
      sandbox: '/tmp/sb',
      pid: 123,
      pidStart: '456',
      subscribedOnce: true,
      tasks: [
        {
          info: { name: 't', task_id: { value: 't1' }, agent_id: { value: 'a' } },
          state: 'TASK_RUNNING',
          killRequested: false,
        },
      ],
      queued: [],
    }
    c.saveRun(run)
    expect(c.runs()).toEqual({ runs: [run], problems: [] })
    c.saveUpdates('fw/1', 't1', [
      { task_id: { value: 't1' }, state: 'TASK_FINISHED', uuid: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    ])
    expect(c.updates()).toEqual([
      {
        frameworkId: 'fw/1',
        taskId: 't1',
        updates: [{ task_id: { value: 't1' }, state: 'TASK_FINISHED', uuid: 'AAAAAAAAAAAAAAAAAAAAAA==' }],
      },
    ])
    c.saveUpdates('fw/1', 't1', [])
    expect(c.updates()).toEqual([])
    c.removeRun('fw/1', 'ex 1', 'c1')
    expect(c.runs().runs).toEqual([])
  })
})
