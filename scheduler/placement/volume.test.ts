/** `--volume` placement: only an offer holding the persistent volume is accepted, and the task takes it exactly as offered. */

/**
 * `--volume` in the scheduler (mesos/kafka's `Broker.getReservation`, mesos/kafka#231): a broker asks for a pre-reserved persistent
 * volume; only an offer holding it is accepted, and the task takes that disk resource exactly as
 * offered and tells the executor where the volume is (unit test: a KafkaScheduler with a recording
 * fake master client, no processes).
 */
import pino from 'pino'
import { describe, expect, test } from 'vitest'
import { decodeTaskData } from '../../contract/index.js'
import {
  type Offer,
  parseAttributes,
  parseResources,
  type Resource,
  type TaskInfo,
} from '../../core-cluster/proto/index.js'
import { createApi } from '../api/index.js'
import { newNode } from '../brokers/index.js'
import { offlineScheduler } from '../framework/scheduler.test-support.js'

const volume: Resource = {
  name: 'disk',
  type: 'SCALAR',
  scalar: { value: 777 },
  role: 'kafka',
  reservation: { principal: 'ops' },
  disk: { persistence: { id: 'kafka-0' }, volume: { container_path: 'data', mode: 'RW' } },
}

function offer(i: number, extra: Resource[] = []): Offer {
  return {
    id: { value: `o${i}-${Math.random()}` },
    framework_id: { value: 'f' },
    agent_id: { value: `a${i}` },
    hostname: `127.0.1.${i}`,
    resources: [...parseResources('cpus:2;mem:4096;disk:1000;ports:[31000-31999]'), ...extra],
    attributes: parseAttributes(`rack:r${i}`),
  }
}

describe('broker --volume in the scheduler', () => {
  test('an offer without the volume is declined and broker list says why; the one with it launches the task with the volume', async () => {
    const { s, calls } = offlineScheduler()
    const b = newNode(0)
    Object.assign(b, { active: true, cpus: 0.5, mem: 768, heap: 256, volume: 'kafka-$id' })
    s.state.brokers.push(b)

    const declined = await s.handleOffer(
      offer(2, [{ ...volume, disk: { ...volume.disk, persistence: { id: 'kafka-1' } } }]),
    )
    expect(declined.launched).toBeFalsy()
    expect(calls.map((c) => c.type)).toEqual(['DECLINE'])
    const app = createApi(s, pino({ level: 'silent' }))
    const list = (await (await app.request('/api/broker/list?broker=0')).json()) as {
      brokers: Array<{ waiting?: { reason: string; hostname: string } }>
    }
    expect(list.brokers[0].waiting).toMatchObject({
      reason: 'no persistent volume kafka-0 offered',
      hostname: '127.0.1.2',
    })

    await s.handleOffer(offer(3, [volume]))
    const accept = calls.find((c) => c.type === 'ACCEPT') as unknown as {
      accept: { operations: Array<{ launch: { task_infos: TaskInfo[] } }> }
    }
    const task = accept.accept.operations[0].launch.task_infos[0]
    expect(task.agent_id.value).toBe('a3')
    expect(task.resources!.filter((r) => r.name === 'disk')).toEqual([volume]) // the whole volume as offered, no plain disk
    expect(decodeTaskData(task.data!).volume).toEqual({ id: 'kafka-0', containerPath: 'data' })
    expect(s.state.brokers[0].task?.hostname).toBe('127.0.1.3')
  })

  test('a broker without --volume takes no disk and tells the executor no volume', async () => {
    const { s, calls } = offlineScheduler()
    const b = newNode(0)
    Object.assign(b, { active: true, cpus: 0.5, mem: 768, heap: 256 })
    s.state.brokers.push(b)
    await s.handleOffer(offer(1, [volume]))
    const accept = calls.find((c) => c.type === 'ACCEPT') as unknown as {
      accept: { operations: Array<{ launch: { task_infos: TaskInfo[] } }> }
    }
    const task = accept.accept.operations[0].launch.task_infos[0]
    expect(task.resources!.some((r) => r.name === 'disk')).toBe(false)
    expect(decodeTaskData(task.data!).volume).toBeUndefined()
  })
})
