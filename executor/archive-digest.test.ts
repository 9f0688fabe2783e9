/** The Kafka archive's sha256 check: the digest listed by the fetcher, the sandbox copy, and on a real agent with the bundled executor a tampered archive failing its task with the reason. */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as tar from 'tar'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { encodeTaskData, newClusterId } from '../contract/index.js'
import { type RunningAgent, startAgent } from '../core-cluster/agent/index.js'
import { FETCHED_DIGESTS_FILE, formatFetchedDigests } from '../core-cluster/client/index.js'
import { type RunningMaster, startMaster } from '../core-cluster/master/index.js'
import { parseResources, type TaskInfo } from '../core-cluster/proto/index.js'
import type { TestFramework } from '../test/support/framework.js'
import { type OneAgent, startOneAgent } from '../test/support/one-agent.js'
import { kafkaArchiveProblem } from './archive-digest.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BUNDLE = path.join(ROOT, 'dist', 'executor', 'kafka-mesos-executor.cjs')
const NAME = 'kafka_2.13-4.4.0.tgz'
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'km-digest-'))
})
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** A small stand-in for the Kafka archive: `kafka_2.13-4.4.0/libs/` and a file whose text differs by `variant`. */
async function archive(dir: string, variant: string): Promise<string> {
  const src = path.join(dir, `src-${variant}`)
  mkdirSync(path.join(src, 'kafka_2.13-4.4.0', 'libs'), { recursive: true })
  writeFileSync(path.join(src, 'kafka_2.13-4.4.0', 'libs', 'kafka.jar'), `jar ${variant}`)
  const file = path.join(dir, variant, NAME)
  mkdirSync(path.dirname(file), { recursive: true })
  await tar.c({ gzip: true, file, cwd: src }, ['kafka_2.13-4.4.0'])
  return file
}

describe('kafkaArchiveProblem', () => {
  const digest = 'a'.repeat(64)
  test('matches the digest the fetcher listed; a task without a digest is not checked', async () => {
    const sandbox = mkdtempSync(path.join(tmp, 'sb-'))
    writeFileSync(path.join(sandbox, FETCHED_DIGESTS_FILE), formatFetchedDigests([{ name: NAME, sha256: digest }]))
    expect(await kafkaArchiveProblem({ name: NAME, sha256: digest }, sandbox)).toBeUndefined()
    expect(await kafkaArchiveProblem(undefined, sandbox)).toBeUndefined()
    expect(await kafkaArchiveProblem({ name: NAME, sha256: 'b'.repeat(64) }, sandbox)).toBe(
      `KM_ERR_ARTIFACT_DIGEST: the Kafka archive ${NAME} has sha256 ${digest}, but the task expects ${'b'.repeat(64)}: it was changed after the scheduler read it, or on its way to the agent; not starting Kafka`,
    )
  })

  test('not listed: the copy in the sandbox is hashed; neither listed nor there: refused', async () => {
    const sandbox = mkdtempSync(path.join(tmp, 'sb-'))
    expect(await kafkaArchiveProblem({ name: NAME, sha256: digest }, sandbox)).toMatch(
      /listed no sha256 for the Kafka archive kafka_2.13-4.4.0.tgz .* not starting Kafka$/,
    )
    writeFileSync(path.join(sandbox, NAME), 'bytes')
    expect(await kafkaArchiveProblem({ name: NAME, sha256: sha('bytes') }, sandbox)).toBeUndefined()
    expect(await kafkaArchiveProblem({ name: NAME, sha256: digest }, sandbox)).toMatch(/has sha256 [0-9a-f]{64}, but/)
  })
})

describe('a tampered Kafka archive on a real agent', { timeout: 60_000 }, () => {
  let c: OneAgent
  let fw: TestFramework
  let original: string
  let tampered: string

  beforeAll(async () => {
    original = await archive(tmp, 'original')
    tampered = await archive(tmp, 'tampered')
    c = await startOneAgent({
      agent: { enforceMemoryLimits: false },
      framework: { name: 'digest-test' },
      prefix: 'km-digest-agent-',
    })
    fw = c.fw
  })
  afterAll(() => c?.close())

  /** A Kafka task as the scheduler builds it (executor bundle, then the cached archive), whose data carries the original's sha256. */
  function kafkaTask(id: string, archiveFile: string): Omit<TaskInfo, 'agent_id'> {
    return {
      name: id,
      task_id: { value: id },
      resources: parseResources('cpus:0.1;mem:256'),
      executor: {
        type: 'CUSTOM',
        executor_id: { value: id },
        framework_id: { value: fw.frameworkId! },
        command: {
          value: `exec ${process.execPath} kafka-mesos-executor.cjs`,
          shell: true,
          uris: [
            { value: `file://${BUNDLE}`, extract: false },
            { value: `file://${archiveFile}`, extract: true, cache: true },
          ],
        },
      },
      data: encodeTaskData({
        role: 'broker',
        nodeId: 1,
        clusterId: newClusterId(),
        host: '127.0.0.1',
        port: 31000,
        quorum: '127.0.0.1:31001',
        format: 'standalone',
        heapMb: 128,
        kafkaArchive: { name: NAME, sha256: sha(readFileSync(original)) },
      }),
    }
  }

  test('TASK_FAILED naming both digests; the original archive passes the check', async () => {
    await fw.launch(await fw.nextOffer(20_000), [kafkaTask('tampered', tampered)])
    const failed = await fw.waitState('tampered', ['TASK_FAILED', 'TASK_RUNNING'], 30_000)
    expect(failed.state).toBe('TASK_FAILED')
    expect(failed.message).toBe(
      `KM_ERR_ARTIFACT_DIGEST: the Kafka archive ${NAME} has sha256 ${sha(readFileSync(tampered))}, but the task expects ${sha(readFileSync(original))}: it was changed after the scheduler read it, or on its way to the agent; not starting Kafka`,
    )
    // the same check with the archive the scheduler hashed: it goes on to start Kafka (and fails later: no real Kafka here)
    await fw.launch(await fw.nextOffer(20_000), [kafkaTask('original', original)])
    const next = await fw.waitState('original', ['TASK_FAILED', 'TASK_FINISHED', 'TASK_RUNNING'], 30_000)
    expect(next.message ?? '').not.toMatch(/KM_ERR_ARTIFACT_DIGEST/)
    const starting = fw.updates.filter((u) => u.task_id.value === 'original').map((u) => u.state)
    expect(starting[0]).toBe('TASK_STARTING')
  })
})
