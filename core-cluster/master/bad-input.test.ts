/** The probe's bad inputs to the master and an agent: deep nesting and objects where names go are 400s, large bodies 413, never a 5xx. */

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type RunningAgent, startAgent } from '../agent/index.js'
import { JSON_TYPE, parseResources } from '../proto/index.js'
import { type RunningMaster, startMaster } from './server.js'

const errors: string[] = []
const log = pino({ level: 'error' }, { write: (l: string) => void errors.push(l) })

/** `[[[ ... 1 ... ]]]` nested `depth` deep, as text (JSON.stringify of it would itself recurse). */
function nested(depth: number): string {
  return `${'['.repeat(depth)}1${']'.repeat(depth)}`
}

describe('bad input to the master and an agent', { timeout: 30_000 }, () => {
  let master: RunningMaster
  let agent: RunningAgent
  let dir: string
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'km-bad-input-'))
    master = await startMaster({ host: '127.0.0.1', port: 0, logger: log })
    agent = await startAgent({
      master: master.address,
      host: '127.0.0.1',
      port: 0,
      resources: parseResources('cpus:1;mem:512'),
      attributes: [],
      workDir: join(dir, 'agent'),
      logger: log,
    })
    await agent.agent.registered
  })
  afterAll(async () => {
    await agent?.close()
    await master?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** The executor API authenticates first: a token the agent signed, so that the body is what is judged. */
  const executorToken = (path: string): Record<string, string> =>
    path === '/api/v1/executor'
      ? {
          Authorization: `Bearer ${agent.agent.executorAuth!.token({ frameworkId: 'f', executorId: 'e', container: { id: 'c' } })}`,
        }
      : {}
  const post = async (address: string, path: string, body: string, type = JSON_TYPE) => {
    const res = await fetch(`http://${address}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': type, Accept: JSON_TYPE, ...executorToken(path) },
      body,
    })
    return { status: res.status, text: await res.text() }
  }

  test.each([
    ['master', '/api/v1/scheduler'],
    ['master', '/internal/agent'],
    ['agent', '/api/v1/executor'],
  ])('%s %s: a HEARTBEAT with 8000-deep nesting is 400 naming the depth, not a stack overflow', async (who, path) => {
    const address = who === 'master' ? master.address : agent.address
    const r = await post(address, path, `{"type":"HEARTBEAT","x":${nested(8000)}}`)
    expect(r.status).toBe(400)
    expect(r.text).toContain('nests more than 64 arrays or objects deep')
  })

  test('master /api/v1 (operator): deep nesting is 400', async () => {
    const r = await post(master.address, '/api/v1', `{"type":"GET_HEALTH","x":${nested(8000)}}`)
    expect(r.status).toBe(400)
  })

  test('agent /api/v1: a type that is an object with toString is 400 naming the field', async () => {
    const r = await post(agent.address, '/api/v1', '{"type":{"toString":1}}')
    expect(r).toEqual({
      status: 400,
      text: `Failed to validate agent::Call: 'type' must be a call type name such as "GET_HEALTH", got an object`,
    })
  })

  test('agent /api/v1: deep nesting and arrays are 400', async () => {
    expect((await post(agent.address, '/api/v1', `{"type":"GET_HEALTH","x":${nested(5000)}}`)).status).toBe(400)
    expect((await post(agent.address, '/api/v1', '[1]')).status).toBe(400)
    expect((await post(agent.address, '/api/v1', '{"type":"GET_HEALTH"}')).status).toBe(200)
  })

  test.each([
    ['master', '/api/v1/scheduler'],
    ['master', '/api/v1'],
    ['agent', '/api/v1/executor'],
    ['agent', '/api/v1'],
  ])('%s %s: a body over 1 MiB is 413', async (who, path) => {
    const address = who === 'master' ? master.address : agent.address
    const r = await post(address, path, `{"type":"HEARTBEAT","x":"${'a'.repeat(1024 * 1024)}"}`)
    expect(r.status).toBe(413)
  })

  test('nothing above was logged as an unexpected error, and both still serve', async () => {
    expect(errors.filter((l) => l.includes('unexpected'))).toEqual([])
    expect((await fetch(`http://${master.address}/health`)).status).toBe(200)
    expect((await fetch(`http://${agent.address}/health`)).status).toBe(200)
  })
})
