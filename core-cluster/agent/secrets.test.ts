/** Secrets on a real agent: a task's environment values, the path token of its URIs and the executor's token appear in none of the agent's log lines, its /state, or the failure it reports. */
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { TestFramework } from '../../test/support/framework.js'
import { type OneAgent, startOneAgent } from '../../test/support/one-agent.js'
import { parseResources } from '../proto/index.js'
import type { RunningAgent } from './server.js'

const ENV_SECRET = 'env-s3cret-value-4711'
const PATH_TOKEN = 'pathT0ken-s3cret-0815'

describe('secrets on a real agent', { timeout: 60_000 }, () => {
  let c: OneAgent
  let agent: RunningAgent
  let fw: TestFramework
  let workDir: string
  let logText = ''

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        logText += chunk.toString()
        done()
      },
    })
    c = await startOneAgent({
      agent: { logger: pino({ level: 'trace' }, sink) },
      framework: { name: 'secrets-test', checkpoint: true },
      prefix: 'km-secrets-',
    })
    ;({ agent, fw, workDir } = c)
  })
  afterAll(() => c?.close())

  test('a task with a secret in its environment and a path token in a URI that cannot be fetched', async () => {
    await fw.launch(await fw.nextOffer(20_000), [
      {
        name: 'leaky',
        task_id: { value: 'leaky' },
        resources: parseResources('cpus:0.1;mem:32'),
        command: {
          value: 'sleep 30',
          environment: { variables: [{ name: 'SSL_KEY_PASSWORD', value: ENV_SECRET }] },
          uris: [{ value: `http://127.0.0.1:1/kafka/kafka.tgz?km_token=${PATH_TOKEN}`, extract: false }],
        },
      },
    ])
    const failed = await fw.waitState('leaky', 'TASK_FAILED', 20_000)
    expect(failed.message).toMatch(
      /^Failed to launch the executor: Failed to fetch http:\/\/127\.0\.0\.1:1\/kafka\/kafka\.tgz\?km_token=\*\*\*/,
    )
    // a task that runs: its executor's token and environment stay out of /state
    await fw.launch(await fw.nextOffer(20_000), [
      {
        name: 'quiet',
        task_id: { value: 'quiet' },
        resources: parseResources('cpus:0.1;mem:32'),
        command: { value: 'sleep 30', environment: { variables: [{ name: 'SSL_KEY_PASSWORD', value: ENV_SECRET }] } },
      },
    ])
    await fw.waitState('quiet', 'TASK_RUNNING', 20_000)
    const state = await (await fetch(`http://${agent.address}/state`)).text()
    expect(state).toContain('"quiet"')
    const token = agent.agent.executorAuth!.token({
      frameworkId: fw.frameworkId!,
      executorId: 'quiet',
      container: { id: agent.agent.executorContainer(fw.frameworkId!, 'quiet')! },
    })
    expect(logText).toContain('launching executor')
    // the checkpoint of a run holds its environment: only the agent's user may read it
    const { readdirSync, statSync } = await import('node:fs')
    const runs = join(workDir, 'meta', 'frameworks', fw.frameworkId!, 'executors', 'quiet', 'runs')
    const runFile = join(runs, readdirSync(runs)[0], 'run.json')
    expect(statSync(runFile).mode & 0o777).toBe(0o600)
    for (const secret of [ENV_SECRET, PATH_TOKEN, token]) {
      expect(state).not.toContain(secret)
      expect(logText).not.toContain(secret)
      expect(failed.message).not.toContain(secret)
    }
  })
})
