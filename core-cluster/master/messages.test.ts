/** Framework messages through the master, both ways, with the bytes intact. */
/**
 * Framework messages pass through the master both ways (`include/mesos/v1/scheduler/scheduler.proto`: scheduler MESSAGE call →
 * agent → executor; executor MESSAGE call → agent → scheduler MESSAGE event), with the bytes intact.
 * `broker log` and `broker metrics` ride on them.
 */
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readRecords } from '../http/index.js'
import {
  AGENT_STREAM_HEADER,
  decode,
  encode,
  JSON_TYPE,
  PROTOBUF_TYPE,
  parseResources,
  type scheduler,
} from '../proto/index.js'
import { type RunningMaster, startMaster } from './server.js'

type AgentEvent = {
  type?: string
  registered?: { agent_id: { value: string } }
  framework_message?: { framework_id: { value: string }; executor_id: { value: string }; data: string }
}

async function waitFor<T>(what: string, f: () => T | undefined, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = f()
    if (v !== undefined) return v
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('master: framework messages', () => {
  let m: RunningMaster
  const aborts: AbortController[] = []
  beforeAll(async () => {
    m = await startMaster({
      host: '127.0.0.1',
      port: 0,
      logger: pino({ level: 'silent' }),
      heartbeatIntervalSeconds: 5,
      allocationIntervalMs: 50,
    })
  })
  afterAll(() => {
    for (const a of aborts) a.abort()
    m.close()
  })

  test('scheduler MESSAGE reaches the agent; the executor MESSAGE comes back to the framework', async () => {
    // a fake agent on the agent link
    const agentAc = new AbortController()
    aborts.push(agentAc)
    const reg = encode(
      'kafka_mesos.agent.Call',
      {
        type: 'REGISTER',
        register: { agent_info: { hostname: '127.0.1.9', port: 5051, resources: parseResources('cpus:1;mem:128') } },
      },
      PROTOBUF_TYPE,
    )
    const agentRes = await fetch(`http://${m.address}/internal/agent`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE },
      body: Buffer.from(reg),
      signal: agentAc.signal,
    })
    const agentEvents: AgentEvent[] = []
    void (async () => {
      try {
        for await (const r of readRecords(agentRes.body!))
          agentEvents.push(decode('kafka_mesos.agent.Event', r, PROTOBUF_TYPE))
      } catch {
        // aborted
      }
    })()
    const agentId = await waitFor(
      'REGISTERED',
      () => agentEvents.find((e) => e.type === 'REGISTERED')?.registered?.agent_id.value,
    )

    // a framework
    const fwAc = new AbortController()
    aborts.push(fwAc)
    const sub: scheduler.Call = { type: 'SUBSCRIBE', subscribe: { framework_info: { user: 'root', name: 'msg' } } }
    const fwRes = await fetch(`http://${m.address}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE },
      body: JSON.stringify(sub),
      signal: fwAc.signal,
    })
    const streamId = fwRes.headers.get('mesos-stream-id')!
    const fwEvents: scheduler.Event[] = []
    void (async () => {
      try {
        for await (const r of readRecords(fwRes.body!))
          fwEvents.push(decode<scheduler.Event>('mesos.v1.scheduler.Event', r, JSON_TYPE))
      } catch {
        // aborted
      }
    })()
    const frameworkId = await waitFor(
      'SUBSCRIBED',
      () => fwEvents.find((e) => e.type === 'SUBSCRIBED')?.subscribed?.framework_id.value,
    )

    const payload = Buffer.from(JSON.stringify({ type: 'log', requestId: 'r1', name: 'stdout', lines: 5 }))
    const call = {
      type: 'MESSAGE',
      framework_id: { value: frameworkId },
      message: { agent_id: { value: agentId }, executor_id: { value: 'exec-1' }, data: payload.toString('base64') },
    }
    const sent = await fetch(`http://${m.address}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, 'Mesos-Stream-Id': streamId },
      body: JSON.stringify(call),
    })
    expect(sent.status).toBe(202)
    const fm = await waitFor(
      'FRAMEWORK_MESSAGE',
      () => agentEvents.find((e) => e.type === 'FRAMEWORK_MESSAGE')?.framework_message,
    )
    expect(fm.framework_id.value).toBe(frameworkId)
    expect(fm.executor_id.value).toBe('exec-1')
    expect(Buffer.from(fm.data, 'base64').equals(payload)).toBe(true)

    const reply = Buffer.from(JSON.stringify({ type: 'log', requestId: 'r1', content: 'é\n'.repeat(1000) }))
    const back = encode(
      'kafka_mesos.agent.Call',
      {
        type: 'EXECUTOR_MESSAGE',
        agent_id: { value: agentId },
        executor_message: {
          framework_id: { value: frameworkId },
          executor_id: { value: 'exec-1' },
          data: reply.toString('base64'),
        },
      },
      PROTOBUF_TYPE,
    )
    const posted = await fetch(`http://${m.address}/internal/agent`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE, [AGENT_STREAM_HEADER]: agentRes.headers.get(AGENT_STREAM_HEADER)! },
      body: Buffer.from(back),
    })
    expect(posted.status).toBe(202)
    const msg = await waitFor('MESSAGE', () => fwEvents.find((e) => e.type === 'MESSAGE')?.message)
    expect(msg.agent_id.value).toBe(agentId)
    expect(msg.executor_id.value).toBe('exec-1')
    expect(Buffer.from(msg.data, 'base64').equals(reply)).toBe(true)
  })
})
