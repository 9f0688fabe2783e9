/** Offers at the pace of events: several tasks in one ACCEPT, and a freed agent offered again at once, not at the next allocation interval. */

import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  AGENT_STREAM_HEADER,
  type agent as agentMsg,
  encode,
  newUuidBase64,
  PROTOBUF_TYPE,
  parseResources,
  scalarSum,
} from '../proto/index.js'
import { fakeAgent, framework, until } from './fake-cluster.test-support.js'
import { type RunningMaster, startMaster } from './server.js'

describe('master: offers follow events (issue 19)', () => {
  let m: RunningMaster
  beforeAll(async () => {
    // an allocation interval of an hour: any offer seen here comes from an event, not from the timer
    m = await startMaster({
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      allocationIntervalMs: 3_600_000,
    })
  })
  afterAll(() => m.close())

  test('two tasks launch in one ACCEPT; when one fails its resources are offered again at once', async () => {
    const agent = await fakeAgent(m.address, '127.0.1.20')
    const fw = await framework(m.address, 'reoffer', true)
    const offersFor = () =>
      fw.events
        .filter((e) => e.type === 'OFFERS')
        .flatMap((e) => e.offers?.offers ?? [])
        .filter((o) => o.hostname === '127.0.1.20')
    const first = await until('the first offer', () => offersFor()[0])
    const task = (id: string) => ({
      name: id,
      task_id: { value: id },
      agent_id: first.agent_id,
      command: { value: 'true' },
      resources: parseResources('cpus:1;mem:1024'),
    })
    expect(
      await fw.send({
        type: 'ACCEPT',
        accept: {
          offer_ids: [first.id],
          operations: [{ type: 'LAUNCH', launch: { task_infos: [task('t1'), task('t2')] } }],
          filters: { refuse_seconds: 1 },
        },
      }),
    ).toBe(202)
    await until('both tasks running', () => fw.updates('t1').length > 0 && fw.updates('t2').length > 0)
    expect([...fw.updates('t1'), ...fw.updates('t2')].map((s) => s.state)).toEqual(['TASK_RUNNING', 'TASK_RUNNING'])
    const before = offersFor().length

    // t1 fails on the agent: the agent reports it, as an executor's TASK_FAILED would be
    const call: agentMsg.Call = {
      type: 'STATUS_UPDATE',
      agent_id: { value: agent.state.id! },
      status_update: {
        framework_id: { value: fw.id },
        status: { task_id: { value: 't1' }, state: 'TASK_FAILED', source: 'SOURCE_EXECUTOR', uuid: newUuidBase64() },
      },
    }
    const t0 = Date.now()
    await fetch(`http://${m.address}/internal/agent`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE, [AGENT_STREAM_HEADER]: agent.state.streamId },
      body: Buffer.from(encode('kafka_mesos.agent.Call', call, PROTOBUF_TYPE)),
    })
    const again = await until('the freed resources offered again', () => offersFor()[before], 2000)
    expect(Date.now() - t0).toBeLessThan(2000)
    expect(scalarSum(again.resources, 'cpus')).toBe(1)
    expect(scalarSum(again.resources, 'mem')).toBe(1024)
    fw.close()
    agent.close()
  })
})
