/** Test support for master tests: raw v1 frameworks over HTTP and fake agents on the agent link. */
/**
 * Test support for master tests (not a test file): raw v1 frameworks over HTTP and fake agents on
 * the agent link that register, answer PINGs while "connected" and report launched tasks RUNNING.
 */
import { readRecords } from '../http/index.js'
import {
  AGENT_STREAM_HEADER,
  type agent as agentMsg,
  decode,
  encode,
  JSON_TYPE,
  newUuidBase64,
  PROTOBUF_TYPE,
  parseResources,
  type scheduler,
  type TaskInfo,
} from '../proto/index.js'

/** Polls `f` every 20 ms until it gives something other than undefined/false. @throws after `timeoutMs` */
export async function until<T>(
  what: string,
  f: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = await f()
    if (v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** A raw v1 framework: its events, and calls with its stream id. */
export async function framework(address: string, name: string, partitionAware: boolean) {
  const info = { user: 'root', name, capabilities: partitionAware ? [{ type: 'PARTITION_AWARE' }] : [] }
  const ac = new AbortController()
  const res = await fetch(`http://${address}/api/v1/scheduler`, {
    method: 'POST',
    headers: { 'Content-Type': JSON_TYPE, Accept: JSON_TYPE },
    body: JSON.stringify({ type: 'SUBSCRIBE', subscribe: { framework_info: info } }),
    signal: ac.signal,
  })
  const streamId = res.headers.get('mesos-stream-id')!
  const events: scheduler.Event[] = []
  void (async () => {
    try {
      for await (const r of readRecords(res.body!))
        events.push(decode<scheduler.Event>('mesos.v1.scheduler.Event', r, JSON_TYPE))
    } catch {
      // closed
    }
  })()
  const subscribed = await until('SUBSCRIBED', () => events.find((e) => e.type === 'SUBSCRIBED'))
  const id = subscribed.subscribed!.framework_id.value
  const send = (c: scheduler.Call) =>
    fetch(`http://${address}/api/v1/scheduler`, {
      method: 'POST',
      headers: { 'Content-Type': JSON_TYPE, 'Mesos-Stream-Id': streamId },
      body: JSON.stringify({ ...c, framework_id: { value: id } }),
    }).then((r) => r.status)
  const updates = (taskId: string) =>
    events.filter((e) => e.type === 'UPDATE' && e.update!.status.task_id.value === taskId).map((e) => e.update!.status)
  return { id, events, send, updates, close: () => ac.abort() }
}

/** A fake agent: registers, answers PING with PONG while `connected`, runs nothing (reports tasks RUNNING). `state.address` is the master it talks to (change it to follow a failover). */
export async function fakeAgent(address: string, host: string) {
  const events: agentMsg.Event[] = []
  const tasks = new Map<string, { task: TaskInfo; frameworkId: string }>()
  const state = {
    id: undefined as string | undefined,
    streamId: '',
    connected: true,
    ac: new AbortController(),
    address,
  }
  const post = (c: agentMsg.Call) =>
    fetch(`http://${state.address}/internal/agent`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE, [AGENT_STREAM_HEADER]: state.streamId },
      body: Buffer.from(encode('kafka_mesos.agent.Call', { ...c, agent_id: { value: state.id! } }, PROTOBUF_TYPE)),
    }).then((r) => r.status)
  const register = async () => {
    state.ac = new AbortController()
    const reported = [...tasks.values()].map((t) => ({
      ...t.task,
      executor: { executor_id: { value: t.task.task_id.value }, framework_id: { value: t.frameworkId }, command: {} },
    }))
    const call: agentMsg.Call = {
      type: 'REGISTER',
      agent_id: state.id ? { value: state.id } : undefined,
      register: {
        agent_info: { hostname: host, port: 5051, resources: parseResources('cpus:2;mem:2048') },
        tasks: reported,
        framework_ids: [...new Set([...tasks.values()].map((t) => ({ value: t.frameworkId })))],
      },
    }
    const res = await fetch(`http://${state.address}/internal/agent`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_TYPE },
      body: Buffer.from(encode('kafka_mesos.agent.Call', call, PROTOBUF_TYPE)),
      signal: state.ac.signal,
    })
    state.streamId = res.headers.get(AGENT_STREAM_HEADER) ?? ''
    void (async () => {
      try {
        for await (const r of readRecords(res.body!)) {
          const e = decode<agentMsg.Event>('kafka_mesos.agent.Event', r, PROTOBUF_TYPE)
          events.push(e)
          if (e.type === 'REGISTERED') state.id = e.registered!.agent_id.value
          if (e.type === 'PING' && state.connected) void post({ type: 'PONG' })
          if (e.type === 'RUN_TASK') {
            const fw = e.run_task!.framework_info.id!.value
            tasks.set(e.run_task!.task.task_id.value, { task: e.run_task!.task, frameworkId: fw })
            void post({
              type: 'STATUS_UPDATE',
              status_update: {
                framework_id: { value: fw },
                status: {
                  task_id: e.run_task!.task.task_id,
                  state: 'TASK_RUNNING',
                  source: 'SOURCE_EXECUTOR',
                  uuid: newUuidBase64(),
                },
              },
            })
          }
          if (e.type === 'SHUTDOWN_FRAMEWORK')
            for (const [k, t] of tasks) if (t.frameworkId === e.shutdown_framework!.framework_id.value) tasks.delete(k)
        }
      } catch {
        // aborted
      }
    })()
    await until('REGISTERED', () => state.id)
  }
  await register()
  return { state, events, tasks, register, close: () => state.ac.abort() }
}
