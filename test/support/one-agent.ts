/** A one-agent cluster for tests: a real master and agent on 127.0.0.1 (port 0) and a test framework subscribed to them, closed together. */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { type AgentOptions, type RunningAgent, startAgent } from '../../core-cluster/agent/index.js'
import { type RunningMaster, startMaster } from '../../core-cluster/master/index.js'
import { type FrameworkInfo, parseResources } from '../../core-cluster/proto/index.js'
import { TestFramework } from './framework.js'

/** What {@link startOneAgent} started. */
export interface OneAgent {
  master: RunningMaster
  agent: RunningAgent
  fw: TestFramework
  /** the agent's work dir (a fresh temporary folder, removed by close) */
  workDir: string
  close(): Promise<void>
}

/**
 * Starts a master (allocation every 100 ms), one agent (`cpus:2;mem:1024` unless `agent.resources`
 * says otherwise; executors' grace 1 s) in a fresh work dir, and a {@link TestFramework}, and waits
 * until the agent is registered and the framework subscribed.
 */
export async function startOneAgent(
  o: { agent?: Partial<AgentOptions>; framework?: Partial<FrameworkInfo>; prefix?: string } = {},
): Promise<OneAgent> {
  const workDir = mkdtempSync(join(tmpdir(), o.prefix ?? 'km-one-agent-'))
  const log = pino({ level: 'silent' })
  const master = await startMaster({ host: '127.0.0.1', port: 0, logger: log, allocationIntervalMs: 100 })
  const agent = await startAgent({
    master: master.address,
    host: '127.0.0.1',
    port: 0,
    resources: parseResources('cpus:2;mem:1024'),
    attributes: [],
    workDir,
    logger: log,
    executorShutdownGraceMs: 1000,
    ...o.agent,
  })
  await agent.agent.registered
  const fw = new TestFramework(master.address, o.framework).start()
  await fw.waitFor('SUBSCRIBED', () => fw.frameworkId)
  return {
    master,
    agent,
    fw,
    workDir,
    close: async () => {
      fw.stop()
      await agent.close()
      await master.close()
      rmSync(workDir, { recursive: true, force: true })
    },
  }
}
