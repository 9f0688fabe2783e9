/** Tasks on unreachable agents (PARTITION_AWARE): kept and not restarted while the agent may return, placed elsewhere after the stickiness period, the old task killed when its agent returns. */

import { describe, expect, test } from 'vitest'
import { type Offer, parseResources, type TaskStatus } from '../../core-cluster/proto/index.js'
import { newNode } from '../brokers/index.js'
import { offlineScheduler } from './scheduler.test-support.js'

const STICKY_MS = 600

function offer(i: number): Offer {
  return {
    id: { value: `o${i}-${Math.random()}` },
    framework_id: { value: 'f' },
    agent_id: { value: `a${i}` },
    hostname: `127.0.1.${i}`,
    resources: parseResources('cpus:2;mem:4096;ports:[31000-31999]'),
  }
}

function scheduler() {
  const { s, calls } = offlineScheduler()
  const broker = newNode(0)
  Object.assign(broker, { active: true, cpus: 0.5, mem: 768, heap: 256 })
  broker.stickiness.periodMs = STICKY_MS
  broker.failover.delayMs = 100
  s.state.brokers.push(broker)
  const update = (status: TaskStatus) => (s as unknown as { onUpdate(st: TaskStatus): Promise<void> }).onUpdate(status)
  return { s, calls, broker, update }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('brokers on unreachable agents (PARTITION_AWARE scheduler)', () => {
  test('an agent back within the stickiness period: the broker runs on, nothing is launched again', async () => {
    const { s, broker, update } = scheduler()
    expect((await s.handleOffer(offer(2))).launched).toBeDefined()
    const task = broker.task!
    await update({ task_id: { value: task.id }, state: 'TASK_RUNNING', agent_id: { value: 'a2' } })
    await update({
      task_id: { value: task.id },
      state: 'TASK_UNREACHABLE',
      agent_id: { value: 'a2' },
      reason: 'REASON_AGENT_REMOVED',
      unreachable_time: { nanoseconds: Date.now() * 1e6 },
    })
    expect(broker.task).toMatchObject({ id: task.id, state: 'unreachable' })
    expect(broker.failover.failures).toBe(0)
    // another agent's offer does not start a second copy
    expect((await s.handleOffer(offer(3))).launched).toBeUndefined()
    await update({
      task_id: { value: task.id },
      state: 'TASK_RUNNING',
      agent_id: { value: 'a2' },
      reason: 'REASON_AGENT_REREGISTERED',
    })
    expect(broker.task).toMatchObject({ id: task.id, state: 'running' })
    await sleep(STICKY_MS + 200) // the give-up timer was cancelled
    expect(broker.task?.id).toBe(task.id)
    expect(broker.failover.failures).toBe(0)
    s.stop()
  })

  test('an agent away longer than the stickiness period: the broker starts elsewhere; the old task is killed when its agent returns', async () => {
    const { s, calls, broker, update } = scheduler()
    await s.handleOffer(offer(2))
    const old = broker.task!
    await update({ task_id: { value: old.id }, state: 'TASK_RUNNING', agent_id: { value: 'a2' } })
    await update({
      task_id: { value: old.id },
      state: 'TASK_UNREACHABLE',
      agent_id: { value: 'a2' },
      reason: 'REASON_AGENT_REMOVED',
    })
    expect((await s.handleOffer(offer(3))).launched).toBeUndefined()
    await sleep(STICKY_MS + 300)
    expect(broker.task).toBeUndefined()
    expect(broker.lastTaskId).toBe(old.id)
    expect(broker.failover.failures).toBe(1)
    expect(calls.some((c) => c.type === 'REVIVE')).toBe(true)
    const placed = await s.handleOffer(offer(3))
    expect(placed.launched?.[0]).toMatchObject({ nodeId: 0 })
    expect(broker.task?.hostname).toBe('127.0.1.3')
    // the lost agent returns with the old task: it is killed, the broker keeps its new task
    await update({
      task_id: { value: old.id },
      state: 'TASK_RUNNING',
      agent_id: { value: 'a2' },
      reason: 'REASON_AGENT_REREGISTERED',
    })
    expect(
      calls.filter((c) => c.type === 'KILL').map((c) => (c.kill as { task_id: { value: string } }).task_id.value),
    ).toEqual([old.id])
    expect(broker.task?.hostname).toBe('127.0.1.3')
    s.stop()
  })
})
