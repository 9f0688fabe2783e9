/** The v1 executor client against a fake agent, and the executor environment it reads. */
import http from 'node:http'
import type net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { encodeRecord } from '../http/index.js'
import type { executor } from '../proto/index.js'
import { ExecutorClient } from './executor-client.js'
import { type ExecutorEnv, ExecutorEnvError, executorEnvFrom, parseMesosDuration } from './executor-env.js'

describe('executor environment', () => {
  it('parses Mesos durations to ms', () => {
    expect(parseMesosDuration('5secs')).toBe(5000)
    expect(parseMesosDuration('15mins')).toBe(900_000)
    expect(parseMesosDuration('100ms')).toBe(100)
    expect(parseMesosDuration('1.5hrs')).toBe(5_400_000)
    expect(parseMesosDuration('2')).toBe(2000)
    expect(() => parseMesosDuration('soon')).toThrow(ExecutorEnvError)
  })
  it('reads the MESOS_* variables', () => {
    const env = executorEnvFrom({
      MESOS_AGENT_ENDPOINT: '127.0.0.1:5051',
      MESOS_FRAMEWORK_ID: 'f',
      MESOS_EXECUTOR_ID: 'e',
      MESOS_DIRECTORY: '/d',
      MESOS_CHECKPOINT: '1',
      MESOS_SUBSCRIPTION_BACKOFF_MAX: '2secs',
      MESOS_RECOVERY_TIMEOUT: '1mins',
    })
    expect(env).toMatchObject({
      agentEndpoint: '127.0.0.1:5051',
      sandbox: '/d',
      checkpoint: true,
      subscriptionBackoffMaxMs: 2000,
      recoveryTimeoutMs: 60_000,
      shutdownGracePeriodMs: 5000,
    })
    expect(() => executorEnvFrom({ MESOS_FRAMEWORK_ID: 'f', MESOS_EXECUTOR_ID: 'e' })).toThrow(/MESOS_AGENT_ENDPOINT/)
  })
})

describe('ExecutorClient against a fake agent', () => {
  const servers: http.Server[] = []
  const clients: ExecutorClient[] = []
  afterEach(() => {
    for (const c of clients.splice(0)) c.close()
    for (const s of servers.splice(0)) s.close()
  })

  async function agent(handle: (call: executor.Call, res: http.ServerResponse) => void): Promise<string> {
    const srv = http.createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        expect(req.headers['content-type']).toBe('application/json')
        handle(JSON.parse(Buffer.concat(chunks).toString()) as executor.Call, res)
      })
    })
    servers.push(srv)
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()))
    return `127.0.0.1:${(srv.address() as net.AddressInfo).port}`
  }

  const env = (endpoint: string, over: Partial<ExecutorEnv> = {}): ExecutorEnv => ({
    agentEndpoint: endpoint,
    frameworkId: 'fw',
    executorId: 'ex',
    sandbox: '/tmp',
    checkpoint: false,
    subscriptionBackoffMaxMs: 100,
    recoveryTimeoutMs: 2000,
    shutdownGracePeriodMs: 5000,
    ...over,
  })

  it('retries a 503 SUBSCRIBE, dispatches events, acks updates; without checkpointing gives up when the stream drops', async () => {
    let subscribes = 0
    let stream: http.ServerResponse | undefined
    const updates: executor.Call[] = []
    const endpoint = await agent((call, res) => {
      if (call.type === 'SUBSCRIBE') {
        if (++subscribes === 1) return void res.writeHead(503).end('recovering')
        expect(call.executor_id.value).toBe('ex')
        res.writeHead(200, { 'Content-Type': 'application/json' })
        stream = res
        const send = (ev: executor.Event) => res.write(encodeRecord(JSON.stringify(ev)))
        send({
          type: 'SUBSCRIBED',
          subscribed: {
            executor_info: { executor_id: { value: 'ex' } },
            framework_info: { user: 'u', name: 'f' },
            agent_info: { hostname: 'h' },
          },
        })
        send({ type: 'LAUNCH', launch: { task: { name: 't', task_id: { value: 't1' }, agent_id: { value: 'a' } } } })
        send({ type: 'MESSAGE', message: { data: Buffer.from('hello').toString('base64') } })
        return
      }
      updates.push(call)
      res.writeHead(202).end()
      const st = call.update!.status
      stream!.write(
        encodeRecord(JSON.stringify({ type: 'ACKNOWLEDGED', acknowledged: { task_id: st.task_id, uuid: st.uuid } })),
      )
    })
    const seen: string[] = []
    let gaveUp = ''
    const c = new ExecutorClient({
      env: env(endpoint),
      initialSubscribeTimeoutMs: 5000,
      handlers: {
        launch: (t) => seen.push(`launch ${t.task_id.value}`),
        message: (d) => seen.push(`message ${d.toString()}`),
        disconnected: (why) => {
          gaveUp = why
        },
      },
    })
    clients.push(c)
    const done = c.start()
    await expect.poll(() => seen, { timeout: 5000 }).toEqual(['launch t1', 'message hello'])
    expect(subscribes).toBe(2)
    const st = await c.update({ task_id: { value: 't1' }, state: 'TASK_RUNNING', data: '127.0.0.1:9092' })
    expect(await c.waitAcknowledged(st.uuid!, 5000)).toBe(true)
    expect(c.unacknowledgedUpdates).toEqual([])
    const sent = updates[0].update!.status
    expect(sent).toMatchObject({
      source: 'SOURCE_EXECUTOR',
      executor_id: { value: 'ex' },
      state: 'TASK_RUNNING',
      data: Buffer.from('127.0.0.1:9092').toString('base64'),
    })
    expect(Buffer.from(sent.uuid!, 'base64')).toHaveLength(16)

    stream!.destroy()
    await done
    expect(gaveUp).toMatch(/not checkpointing/)
    expect(subscribes).toBe(2)
  })

  it('keeps an update whose POST fails and reports it unacknowledged', async () => {
    const endpoint = await agent((_call, res) => res.writeHead(503).end())
    const c = new ExecutorClient({ env: env(endpoint), handlers: {} })
    clients.push(c)
    const st = await c.update({ task_id: { value: 't1' }, state: 'TASK_STARTING' })
    expect(c.unacknowledgedUpdates.map((u) => u.uuid)).toEqual([st.uuid])
    expect(await c.waitAcknowledged(st.uuid!, 50)).toBe(false)
  })
})
