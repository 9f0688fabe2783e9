/** The status state machine: every TaskStatus on every node state, failover back-off, unreachable agents. */

import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import type { KafkaNode } from '../../contract/index.js'
import type { TaskState, TaskStatus } from '../../core-cluster/proto/index.js'
import { displayState, failoverDelayMs, newNode, nodeJson, stickyUntil } from './broker.js'
import { applyStatus, giveUpUnreachable, MAX_FAILURE_REASON_CHARS, unreachableGiveUpAt } from './state-machine.js'

function launched(): KafkaNode {
  const n = newNode(1)
  n.active = true
  n.task = {
    id: 't1',
    slaveId: 'a1',
    executorId: 't1',
    hostname: '127.0.1.1',
    endpoint: '127.0.1.1:31000',
    attributes: {},
    state: 'pending',
  }
  return n
}
const status = (state: TaskState, extra: Partial<TaskStatus> = {}): TaskStatus => ({
  task_id: { value: 't1' },
  state,
  ...extra,
})

describe('status state machine (mesos/kafka BrokerLifecycleManager.onBrokerStatus)', () => {
  test('pending → starting → running; the endpoint comes from the RUNNING data', () => {
    const n = launched()
    expect(applyStatus(n, status('TASK_STAGING')).kind).toBe('none')
    expect(n.task?.state).toBe('pending')
    applyStatus(n, status('TASK_STARTING'))
    expect(n.task?.state).toBe('starting')
    expect(displayState(n)).toBe('starting')
    const r = applyStatus(n, status('TASK_RUNNING', { data: Buffer.from('127.0.1.1:31007').toString('base64') }))
    expect(r.kind).toBe('running')
    expect(n.task?.state).toBe('running')
    expect(n.task?.endpoint).toBe('127.0.1.1:31007')
    expect(n.stickiness.hostname).toBe('127.0.1.1')
    expect(displayState(n)).toBe('running')
  })

  test('a terminal update while stopping is a normal stop: task cleared, no failure', () => {
    const n = launched()
    n.task!.state = 'stopping'
    n.active = false
    expect(applyStatus(n, status('TASK_KILLED'), 1000).kind).toBe('stopped')
    expect(n.task).toBeUndefined()
    expect(n.lastTaskId).toBe('t1')
    expect(n.failover.failures).toBe(0)
    expect(n.stickiness.stopTime).toBe(1000)
    expect(displayState(n)).toBe('stopped')
  })

  test('an unexpected end is a failure with back-off; max tries deactivates', () => {
    const n = launched()
    n.failover.maxTries = 2
    applyStatus(n, status('TASK_RUNNING'))
    expect(applyStatus(n, status('TASK_FAILED'), 10_000)).toEqual({ kind: 'failed', deactivated: false })
    expect(n.failover.failures).toBe(1)
    expect(displayState(n, 20_000)).toMatch(/^failed 1\/2 .*, next start /)
    n.task = { ...launched().task! }
    expect(applyStatus(n, status('TASK_LOST'), 100_000)).toEqual({ kind: 'failed', deactivated: true })
    expect(n.active).toBe(false)
    expect(n.stickiness.stopTime).toBe(10_000) // first failure of the run
  })

  test('a failure keeps its reason in one line for broker list until the node runs again (issue 19)', () => {
    const n = launched()
    const why =
      'Kafka exited with code 1: OutOfMemoryError in the log cleaner (Java heap space): raise --heap or set log.cleaner.dedupe.buffer.size'
    applyStatus(n, status('TASK_FAILED', { message: why, reason: 'REASON_COMMAND_EXECUTOR_FAILED' }), 10_000)
    expect(nodeJson(n, 20_000).failover.reason).toBe(why)
    n.task = { ...launched().task! }
    applyStatus(n, status('TASK_RUNNING'))
    expect(n.failover.reason).toBeUndefined()
    expect(nodeJson(n).failover.reason).toBeUndefined()
    n.task = { ...launched().task! }
    applyStatus(n, status('TASK_FAILED', { reason: 'REASON_CONTAINER_LIMITATION_MEMORY' }))
    expect(n.failover.reason).toBe('REASON_CONTAINER_LIMITATION_MEMORY')
    n.task = { ...launched().task! }
    applyStatus(n, status('TASK_FAILED', { message: `first line\n${'x'.repeat(1000)}` }))
    expect(n.failover.reason).toMatch(/^first line x+…$/)
    expect(n.failover.reason!.length).toBe(MAX_FAILURE_REASON_CHARS)
  })

  test('RUNNING while stopping asks for another kill', () => {
    const n = launched()
    n.task!.state = 'stopping'
    expect(applyStatus(n, status('TASK_RUNNING')).kind).toBe('kill')
  })

  test('a task the master forgot (reconciliation) is lost without counting a failure', () => {
    const n = launched()
    applyStatus(n, status('TASK_RUNNING'))
    expect(applyStatus(n, status('TASK_LOST', { reason: 'REASON_RECONCILIATION' })).kind).toBe('lost')
    expect(n.task).toBeUndefined()
    expect(n.failover.failures).toBe(0)
  })

  test('TASK_UNKNOWN (partition-aware reconciliation) is a lost task too, not a stuck one', () => {
    const n = launched()
    applyStatus(n, status('TASK_RUNNING'))
    expect(applyStatus(n, status('TASK_UNKNOWN', { reason: 'REASON_RECONCILIATION' })).kind).toBe('lost')
    expect(n.task).toBeUndefined()
    expect(n.failover.failures).toBe(0)
  })

  test('updates for another task id change nothing', () => {
    const n = launched()
    expect(applyStatus(n, { task_id: { value: 'other' }, state: 'TASK_FAILED' }).kind).toBe('none')
    expect(n.task?.id).toBe('t1')
  })

  test('TASK_UNREACHABLE (partition-aware): the task is kept, no failure; RUNNING again restores it', () => {
    const n = launched()
    applyStatus(n, status('TASK_RUNNING'), 1000)
    const r = applyStatus(n, status('TASK_UNREACHABLE', { unreachable_time: { nanoseconds: 5000 * 1e6 } }), 6000)
    expect(r.kind).toBe('unreachable')
    expect(n.task).toMatchObject({ id: 't1', state: 'unreachable', unreachableSince: 5000 })
    expect(n.failover.failures).toBe(0)
    expect(displayState(n)).toBe('unreachable')
    expect(unreachableGiveUpAt(n)).toBe(5000 + n.stickiness.periodMs)
    // a repeat (reconciliation) keeps the first time
    applyStatus(n, status('TASK_UNREACHABLE'), 9000)
    expect(n.task?.unreachableSince).toBe(5000)
    expect(applyStatus(n, status('TASK_RUNNING', { reason: 'REASON_AGENT_REREGISTERED' }), 10_000).kind).toBe('running')
    expect(n.task).toMatchObject({ state: 'running' })
    expect(n.task?.unreachableSince).toBeUndefined()
    expect(giveUpUnreachable(n, 10 ** 12).kind).toBe('none')
  })

  test('an agent unreachable for the stickiness period: the task is given up as a failure; the node may go anywhere', () => {
    const n = launched()
    applyStatus(n, status('TASK_RUNNING'), 1000)
    applyStatus(n, status('TASK_UNREACHABLE'), 2000)
    const period = n.stickiness.periodMs
    expect(giveUpUnreachable(n, 2000 + period - 1).kind).toBe('none')
    expect(n.task?.id).toBe('t1')
    expect(giveUpUnreachable(n, 2000 + period)).toEqual({ kind: 'failed', deactivated: false })
    expect(n.task).toBeUndefined()
    expect(n.lastTaskId).toBe('t1') // should the agent come back, the old task is re-attached or killed
    expect(n.failover).toMatchObject({ failures: 1, failureTime: 2000 })
    expect(stickyUntil(n)).toBe(2000 + period) // stickiness over: any host
  })

  test('a node stopped while its agent is unreachable: kill again when it is back, or stopped once given up', () => {
    const n = launched()
    applyStatus(n, status('TASK_RUNNING'))
    applyStatus(n, status('TASK_UNREACHABLE'), 2000)
    n.task!.state = 'stopping' // the user stopped it meanwhile
    n.active = false
    applyStatus(n, status('TASK_UNREACHABLE'), 3000)
    expect(n.task?.state).toBe('stopping')
    const m = structuredClone(n)
    expect(applyStatus(m, status('TASK_RUNNING', { reason: 'REASON_AGENT_REREGISTERED' })).kind).toBe('kill')
    expect(giveUpUnreachable(n, 2000 + n.stickiness.periodMs)).toEqual({ kind: 'stopped' })
    expect(n.failover.failures).toBe(0)
    expect(displayState(n)).toBe('stopped')
  })

  const states: TaskState[] = [
    'TASK_STAGING',
    'TASK_STARTING',
    'TASK_RUNNING',
    'TASK_KILLING',
    'TASK_FINISHED',
    'TASK_FAILED',
    'TASK_KILLED',
    'TASK_ERROR',
    'TASK_LOST',
    'TASK_UNREACHABLE',
    'TASK_UNKNOWN',
    'TASK_GONE',
  ]
  test.prop([fc.array(fc.constantFrom(...states), { maxLength: 12 }), fc.boolean()])(
    'any update sequence keeps the node consistent',
    (seq, stopping) => {
      const n = launched()
      if (stopping) n.task!.state = 'stopping'
      for (const s of seq) applyStatus(n, status(s))
      // a node never has a task while its last task id is the same task; failures never negative
      if (n.task) expect(n.lastTaskId).not.toBe(n.task.id)
      expect(n.failover.failures).toBeGreaterThanOrEqual(0)
      if (n.failover.failures > 0) expect(n.failover.failureTime).toBeDefined()
      if (!n.task) expect(['running', 'pending', 'stopping', 'unreachable']).not.toContain(displayState(n))
      // unreachable never drops the task nor counts a failure by itself
      if (seq.length > 0 && seq[seq.length - 1] === 'TASK_UNREACHABLE' && n.task)
        expect(n.task.unreachableSince).toBeDefined()
    },
  )

  test.prop([fc.array(fc.constantFrom<TaskState>('TASK_RUNNING', 'TASK_UNREACHABLE'), { maxLength: 20 })])(
    'partitions that heal never count a failure nor drop the task',
    (seq) => {
      const n = launched()
      for (const s of seq) applyStatus(n, status(s))
      expect(n.task?.id).toBe('t1')
      expect(n.failover.failures).toBe(0)
    },
  )

  test('failover delay doubles up to the maximum (1m, 2m, 4m, 8m, 10m)', () => {
    const f = { delayMs: 60_000, maxDelayMs: 600_000, failures: 0 }
    expect([1, 2, 3, 4, 5, 40].map((failures) => failoverDelayMs({ ...f, failures }) / 60_000)).toEqual([
      1, 2, 4, 8, 10, 10,
    ])
  })
})
