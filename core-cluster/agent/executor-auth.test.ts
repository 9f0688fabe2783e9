/** Executor authentication: the agent's key kept in its work dir, and on a real agent and master each executor's own token, refused for another executor, absent from the task's environment. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { TestFramework } from '../../test/support/framework.js'
import { type OneAgent, startOneAgent } from '../../test/support/one-agent.js'
import { basicAuthorization, mintExecutorToken } from '../auth/index.js'
import { newUuidBase64, parseResources, type TaskInfo } from '../proto/index.js'
import { EXECUTOR_TOKEN_ENV, ExecutorAuthentication } from './executor-auth.js'
import type { RunningAgent } from './server.js'

describe('ExecutorAuthentication', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'km-exauth-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  const run = (eid: string, cid = `c-${eid}`) => ({ frameworkId: 'fw', executorId: eid, container: { id: cid } })

  test('the key is made once (mode 0600) and read back: tokens survive an agent restart', () => {
    const a = ExecutorAuthentication.fromWorkDir(dir)
    const file = join(dir, 'meta', 'executor-token.key')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    const b = ExecutorAuthentication.fromWorkDir(dir)
    const claims = b.authenticate(`Bearer ${a.token(run('x'))}`)
    expect(claims).toEqual({ fid: 'fw', eid: 'x', cid: 'c-x' })
  })

  test("X's token: taken for X's current run; refused (403) for Y, for another framework, for an earlier run", () => {
    const auth = ExecutorAuthentication.fromWorkDir(dir)
    const claims = auth.authenticate(`Bearer ${auth.token(run('x'))}`)
    if ('status' in claims) throw new Error(claims.error)
    expect(auth.authorize(claims, { frameworkId: 'fw', executorId: 'x', containerId: 'c-x' })).toBeUndefined()
    const forY = auth.authorize(claims, { frameworkId: 'fw', executorId: 'y', containerId: 'c-y' })
    expect(forY).toEqual({
      status: 403,
      code: 'KM_ERR_FORBIDDEN',
      error: "the token is executor x's of framework fw; it may not act as executor y of framework fw",
    })
    expect(auth.authorize(claims, { frameworkId: 'other', executorId: 'x', containerId: 'c-x' })?.status).toBe(403)
    expect(auth.authorize(claims, { frameworkId: 'fw', executorId: 'x', containerId: 'c-new' })?.error).toMatch(
      /earlier run \(container c-x\)/,
    )
  })

  test('401 for no token, a user password, a token signed by another key, a tampered claim', () => {
    const auth = ExecutorAuthentication.fromWorkDir(dir)
    const good = auth.token(run('x'))
    const [h, , s] = good.split('.')
    const forged = `${h}.${Buffer.from(JSON.stringify({ fid: 'fw', eid: 'y', cid: 'c-y' })).toString('base64url')}.${s}`
    const cases = [
      undefined,
      basicAuthorization('admin', 'a-password'),
      `Bearer ${mintExecutorToken(Buffer.alloc(32, 7), { fid: 'fw', eid: 'x', cid: 'c-x' })}`,
      `Bearer ${forged}`,
      `Bearer ${good.slice(0, -1)}`,
    ]
    for (const header of cases) {
      const r = auth.authenticate(header)
      expect('status' in r && r.status).toBe(401)
    }
  })

  test('a key file that was damaged is not replaced silently', () => {
    const broken = mkdtempSync(join(tmpdir(), 'km-exauth-bad-'))
    try {
      ExecutorAuthentication.fromWorkDir(broken)
      writeFileSync(join(broken, 'meta', 'executor-token.key'), 'not hex')
      expect(() => ExecutorAuthentication.fromWorkDir(broken)).toThrow(/does not hold an executor token key/)
    } finally {
      rmSync(broken, { recursive: true, force: true })
    }
  })
})

describe('executor tokens on a real agent', { timeout: 60_000 }, () => {
  let c: OneAgent
  let agent: RunningAgent
  let fw: TestFramework
  let workDir: string

  beforeAll(async () => {
    c = await startOneAgent({ framework: { name: 'exauth-test' }, prefix: 'km-exauth-agent-' })
    ;({ agent, fw, workDir } = c)
  })
  afterAll(() => c?.close())

  const task = (id: string): Omit<TaskInfo, 'agent_id'> => ({
    name: id,
    task_id: { value: id },
    resources: parseResources('cpus:0.1;mem:32'),
    // the task writes its own environment, then stays up
    command: { value: 'env > task-env.tmp && mv task-env.tmp task-env.txt && sleep 60' },
  })

  /** The environment of the executor process the agent started for `id`, from /proc. */
  async function executorEnv(id: string): Promise<Record<string, string>> {
    const pid = await fw.waitFor(
      `executor ${id}'s pid`,
      () => agent.agent.state().executors.find((e) => e.id === id)?.pid,
    )
    const env: Record<string, string> = {}
    for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
      const i = kv.indexOf('=')
      if (i > 0) env[kv.slice(0, i)] = kv.slice(i + 1)
    }
    return env
  }

  const call = (authorization: string | undefined, body: object) =>
    fetch(`http://${agent.address}/api/v1/executor`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
      body: JSON.stringify(body),
    })
  const finished = (executor: string) => ({
    type: 'UPDATE',
    framework_id: { value: fw.frameworkId },
    executor_id: { value: executor },
    update: {
      status: {
        task_id: { value: executor },
        state: 'TASK_FINISHED',
        source: 'SOURCE_EXECUTOR',
        uuid: newUuidBase64(),
      },
    },
  })

  test("each executor has its own token; X's token is refused for Y's update and SUBSCRIBE; no token is 401", async () => {
    await fw.launch(await fw.nextOffer(20_000), [task('x'), task('y')])
    await fw.waitState('x', 'TASK_RUNNING', 20_000)
    await fw.waitState('y', 'TASK_RUNNING', 20_000)
    const tokenX = (await executorEnv('x'))[EXECUTOR_TOKEN_ENV]
    const tokenY = (await executorEnv('y'))[EXECUTOR_TOKEN_ENV]
    expect(tokenX).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(tokenY).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    expect(tokenX).not.toBe(tokenY)

    // the forged executor of issue 13: ids from /state, no token
    const anonymous = await call(undefined, finished('y'))
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="mesos-agent-executor"')
    expect(((await anonymous.json()) as { code: string }).code).toBe('KM_ERR_UNAUTHENTICATED')

    const asX = await call(`Bearer ${tokenX}`, finished('y'))
    expect(asX.status).toBe(403)
    expect(await asX.json()).toEqual({
      error: `the token is executor x's of framework ${fw.frameworkId}; it may not act as executor y of framework ${fw.frameworkId}`,
      code: 'KM_ERR_FORBIDDEN',
    })
    const subscribeAsY = await call(`Bearer ${tokenX}`, {
      type: 'SUBSCRIBE',
      framework_id: { value: fw.frameworkId },
      executor_id: { value: 'y' },
      subscribe: { unacknowledged_updates: [], unacknowledged_tasks: [] },
    })
    expect(subscribeAsY.status).toBe(403)
    // a user's password is no executor token either
    expect((await call(basicAuthorization('admin', 'whatever-password'), finished('y'))).status).toBe(401)

    // Y's own token is taken (HEARTBEAT: no change to its task), and Y's task never heard of a forged end
    const heartbeat = await call(`Bearer ${tokenY}`, {
      type: 'HEARTBEAT',
      framework_id: { value: fw.frameworkId },
      executor_id: { value: 'y' },
    })
    expect(heartbeat.status).toBe(202)
    expect(fw.updates.filter((u) => u.task_id.value === 'y').map((u) => u.state)).toEqual([
      'TASK_STARTING',
      'TASK_RUNNING',
    ])
    expect(agent.agent.state().executors.find((e) => e.id === 'y')?.subscribed).toBe(true)
  })

  test("the task's command does not inherit its executor's token", async () => {
    const runs = join(workDir, 'slaves', agent.agent.id!, 'frameworks', fw.frameworkId!, 'executors', 'x', 'runs')
    const file = join(runs, readdirSync(runs)[0], 'task-env.txt')
    const env = await fw.waitFor('the task wrote its environment', () => {
      try {
        return readFileSync(file, 'utf8')
      } catch {
        return undefined
      }
    })
    expect(env).toContain('MESOS_EXECUTOR_ID=x')
    expect(env).not.toContain(EXECUTOR_TOKEN_ENV)
  })
})
