/** The built-in default executor runs a task group: own sandboxes, and a failed or killed task takes its group down. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, test } from 'vitest'
import type { StatusInput } from '../client/index.js'
import type { TaskInfo, TaskStatus } from '../proto/index.js'
import { DefaultExecutor } from './default-executor.js'

/** A default executor with a recording client (no agent): real `sh` commands in a temp sandbox. */
function harness() {
  const sandbox = mkdtempSync(join(tmpdir(), 'km-default-exec-'))
  const updates: StatusInput[] = []
  let done: number | undefined
  const exec = new DefaultExecutor({
    client: {
      update: async (s) => {
        updates.push(s)
        return { ...s, uuid: Buffer.alloc(16).toString('base64') } as TaskStatus
      },
      waitAcknowledged: async () => true,
    },
    sandbox,
    env: { PATH: process.env.PATH },
    shutdownGracePeriodMs: 2000,
    ackTimeoutMs: 1000,
    log: pino({ level: 'silent' }),
    onDone: (code) => (done = code),
  })
  const states = (id: string) => updates.filter((u) => u.task_id.value === id).map((u) => u.state)
  const until = async (what: string, f: () => boolean) => {
    for (let i = 0; i < 100 && !f(); i++) await new Promise((r) => setTimeout(r, 100))
    if (!f())
      throw new Error(
        `timed out waiting for ${what}: ${JSON.stringify(updates.map((u) => [u.task_id.value, u.state]))}`,
      )
  }
  return { exec, sandbox, states, until, done: () => done }
}

const task = (id: string, cmd: string): TaskInfo => ({
  name: id,
  task_id: { value: id },
  agent_id: { value: 'a' },
  command: { value: cmd },
})

describe('default executor (LAUNCH_GROUP)', () => {
  const sandboxes: string[] = []
  afterEach(() => {
    for (const s of sandboxes.splice(0)) rmSync(s, { recursive: true, force: true })
  })

  test('both tasks run in their own sandboxes and finish; the executor exits 0 after the last', async () => {
    const h = harness()
    sandboxes.push(h.sandbox)
    h.exec.launchGroup([task('a', 'test "$MESOS_SANDBOX" = "$PWD" && sleep 0.3'), task('b', 'sleep 0.5')])
    await h.until(
      'both finished',
      () => h.states('a').includes('TASK_FINISHED') && h.states('b').includes('TASK_FINISHED'),
    )
    expect(h.states('a')).toEqual(['TASK_STARTING', 'TASK_RUNNING', 'TASK_FINISHED'])
    await h.until('exit', () => h.done() !== undefined)
    expect(h.done()).toBe(0)
  })

  test('a failing task takes the rest of its group down; a killed one too', async () => {
    const h = harness()
    sandboxes.push(h.sandbox)
    h.exec.launchGroup([task('bad', 'sleep 0.3; exit 3'), task('long', 'sleep 30')])
    await h.until('long killed', () => h.states('long').includes('TASK_KILLED'))
    expect(h.states('bad')).toContain('TASK_FAILED')
    await h.until('exit', () => h.done() !== undefined)
    expect(h.done()).toBe(1)

    const k = harness()
    sandboxes.push(k.sandbox)
    k.exec.launchGroup([task('x', 'sleep 30'), task('y', 'sleep 30')])
    await k.until('running', () => k.states('x').includes('TASK_RUNNING') && k.states('y').includes('TASK_RUNNING'))
    k.exec.kill({ value: 'x' })
    await k.until('both killed', () => k.states('x').includes('TASK_KILLED') && k.states('y').includes('TASK_KILLED'))
  })
})
