/** Reconciliation's tests: Mesos's answer table for known and unknown tasks, partition-aware or not. */
import { describe, expect, test } from 'vitest'
import { type ReconcileLookup, reconcile } from './reconciliation.js'
import type { TaskEntry } from './tasks.js'

const running: TaskEntry = {
  frameworkId: 'F',
  agentId: 'A1',
  info: { name: 't1', task_id: { value: 't1' }, agent_id: { value: 'A1' } },
  state: 'TASK_RUNNING',
  status: { task_id: { value: 't1' }, state: 'TASK_RUNNING', data: 'ZGF0YQ==' },
  resources: [],
}
const lookup: ReconcileLookup = {
  task: (id) => (id === 't1' ? running : undefined),
  tasks: () => [running],
  isRegistered: (id) => id === 'A1',
  unreachableSince: (id) => (id === 'A2' ? 1000 : undefined),
  mayStillReregister: (id) => id === 'A3',
}
const ask = (agent: string | undefined, aware: boolean) =>
  reconcile([{ task_id: { value: 'x' }, ...(agent ? { agent_id: { value: agent } } : {}) }], aware, lookup)

describe('reconciliation (docs/reconciliation.md)', () => {
  test('implicit: the latest state of every task of the framework; explicit: a known task the same', () => {
    const latest = {
      source: 'SOURCE_MASTER',
      reason: 'REASON_RECONCILIATION',
      task_id: { value: 't1' },
      state: 'TASK_RUNNING',
      agent_id: { value: 'A1' },
      executor_id: undefined,
      data: 'ZGF0YQ==',
      message: 'Reconciliation: Latest task state',
      unreachable_time: undefined,
    }
    expect(reconcile([], false, lookup)).toEqual({ answers: [latest], unanswered: [] })
    expect(reconcile([{ task_id: { value: 't1' } }], true, lookup).answers).toEqual([latest])
  })

  test.each([
    ['A1', true, 'TASK_GONE', 'Reconciliation: Task is unknown'],
    ['A2', true, 'TASK_UNREACHABLE', 'Reconciliation: Task is unreachable'],
    ['A9', true, 'TASK_UNKNOWN', 'Reconciliation: Task is unknown'],
    [undefined, true, 'TASK_UNKNOWN', 'Reconciliation: Task is unknown'],
    ['A1', false, 'TASK_LOST', 'Reconciliation: Task is unknown'],
    ['A2', false, 'TASK_LOST', 'Reconciliation: Task is unreachable'],
    ['A9', false, 'TASK_LOST', 'Reconciliation: Task is unknown'],
  ])('an unknown task on agent %s (partition-aware %s) is %s', (agent, aware, state, message) => {
    const [answer] = ask(agent, aware).answers
    expect(answer).toMatchObject({ state, message, source: 'SOURCE_MASTER', reason: 'REASON_RECONCILIATION' })
    expect(answer.uuid).toBeUndefined()
    expect(answer.unreachable_time).toEqual(agent === 'A2' ? { nanoseconds: 1000 * 1e6 } : undefined)
  })

  test('no answer while the agent may still re-register after a failover', () => {
    expect(ask('A3', true)).toEqual({
      answers: [],
      unanswered: [{ task_id: { value: 'x' }, agent_id: { value: 'A3' } }],
    })
  })
})
