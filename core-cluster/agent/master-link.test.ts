/** The agent's side of the master's health check: it answers every PING, and gives up a master that stops pinging. */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { basicAuthorization } from '../auth/index.js'
import { encodeRecord } from '../http/index.js'
import { type RunningMaster, startMaster } from '../master/index.js'
import { type agent as agentMsg, decode, encode, PROTOBUF_TYPE, parseResources } from '../proto/index.js'
import { type RunningAgent, startAgent } from './server.js'

const log = pino({ level: 'silent' })

describe('agent and the master health check', { timeout: 30_000 }, () => {
  let workDir: string
  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'km-link-'))
  })
  afterAll(() => rmSync(workDir, { recursive: true, force: true }))

  test('a real agent answers every PING: with 100 ms × 3 it stays registered', async () => {
    const master: RunningMaster = await startMaster({
      host: '127.0.0.1',
      port: 0,
      logger: log,
      agentPingTimeoutMs: 100,
      maxAgentPingTimeouts: 3,
    })
    const agent: RunningAgent = await startAgent({
      master: master.address,
      host: '127.0.0.1',
      port: 0,
      resources: parseResources('cpus:1;mem:512'),
      attributes: [],
      workDir: join(workDir, 'a'),
      logger: log,
    })
    try {
      await agent.agent.registered
      await new Promise((r) => setTimeout(r, 1500))
      const state = master.master.state()
      expect(state.agents.map((a) => [a.id, a.active])).toEqual([[agent.agent.id, true]])
      expect(state.unreachable_agents).toEqual([])
    } finally {
      await agent.close()
      await master.close()
    }
  })

  test('a master that stops pinging is given up after its total ping timeout: the agent registers again, each time with its credential', async () => {
    // A fake master: answers REGISTER with REGISTERED (0.3 s total ping timeout), then stays silent.
    const registers: number[] = []
    const credentials: Array<string | undefined> = []
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const call = decode<agentMsg.Call>('kafka_mesos.agent.Call', Buffer.concat(chunks), PROTOBUF_TYPE)
        if (call.type !== 'REGISTER') {
          res.writeHead(202).end()
          return
        }
        registers.push(Date.now())
        credentials.push(req.headers.authorization)
        res.writeHead(200, { 'Content-Type': PROTOBUF_TYPE })
        res.write(
          encodeRecord(
            encode(
              'kafka_mesos.agent.Event',
              {
                type: 'REGISTERED',
                registered: { agent_id: { value: 'S1' }, master_id: 'm', total_ping_timeout_seconds: 0.3 },
              },
              PROTOBUF_TYPE,
            ),
          ),
        )
      })
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const port = (server.address() as { port: number }).port
    const agent = await startAgent({
      master: `127.0.0.1:${port}`,
      host: '127.0.0.1',
      port: 0,
      resources: parseResources('cpus:1;mem:512'),
      attributes: [],
      workDir: join(workDir, 'b'),
      logger: log,
      credential: { principal: 'agent-1', secret: 'agent-secret-0123456789' },
    })
    try {
      await agent.agent.registered
      const deadline = Date.now() + 5000
      while (registers.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(registers.length).toBeGreaterThanOrEqual(2)
      // not before the ping timeout (0.3 s), and soon after it (+ the 0.5 s first re-link back-off)
      expect(registers[1] - registers[0]).toBeGreaterThanOrEqual(300)
      expect(registers[1] - registers[0]).toBeLessThan(2000)
      // HTTP Basic of --credential on every REGISTER (Mesos --authenticate_agents)
      expect(new Set(credentials)).toEqual(new Set([basicAuthorization('agent-1', 'agent-secret-0123456789')]))
    } finally {
      await agent.close()
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    }
  })
})
