/** The executor environment the agent writes is the one the executor client reads. */
import { describe, expect, test } from 'vitest'
import { executorEnvFrom } from '../client/index.js'
import type { ExecutorInfo } from '../proto/index.js'
import type { Container } from './containerizer/index.js'
import { executorEnvironment } from './executor-env.js'

const container = { id: 'c1', sandbox: '/work/slaves/S1/frameworks/fw/executors/ex/runs/c1' } as Container
const agent = { host: '127.0.1.1', port: 5051, agentId: 'S1', shutdownGraceMs: 5000, dataDir: '/work/data' }
/** The run of executor `ex` of framework `fw`, as executorEnvironment reads it. */
const run = (checkpoint: boolean, commandExecutor: boolean, info: ExecutorInfo = { executor_id: { value: 'ex' } }) => ({
  frameworkId: 'fw',
  executorId: 'ex',
  framework: { user: 'u', name: 'n', checkpoint },
  commandExecutor,
  container,
  info,
})

describe('executor environment', () => {
  test('MESOS_* as Mesos sets them, CommandInfo.environment under them, KM_DATA_DIR', () => {
    const variables = [
      { name: 'FOO', value: 'bar' },
      { name: 'MESOS_EXECUTOR_ID', value: 'not this' },
    ]
    const env = executorEnvironment(
      run(false, true, { executor_id: { value: 'ex' }, command: { environment: { variables } } }),
      agent,
      { PATH: '/bin', HOME: '/home/u' },
    )
    expect(env).toEqual({
      PATH: '/bin',
      HOME: '/home/u',
      FOO: 'bar',
      MESOS_FRAMEWORK_ID: 'fw',
      MESOS_EXECUTOR_ID: 'ex',
      MESOS_DIRECTORY: container.sandbox,
      MESOS_SANDBOX: container.sandbox,
      MESOS_AGENT_ENDPOINT: '127.0.1.1:5051',
      MESOS_SLAVE_ID: 'S1',
      MESOS_SLAVE_PID: 'slave(1)@127.0.1.1:5051',
      MESOS_CHECKPOINT: '0',
      MESOS_HTTP_COMMAND_EXECUTOR: '1',
      MESOS_EXECUTOR_SHUTDOWN_GRACE_PERIOD: '5secs',
      KM_DATA_DIR: '/work/data',
    })
  })

  test('a checkpointing framework’s executor is told to re-subscribe; the client reads it all back', () => {
    const env = executorEnvironment(run(true, false), { ...agent, shutdownGraceMs: 3000 }, {})
    expect(executorEnvFrom(env)).toEqual({
      agentEndpoint: '127.0.1.1:5051',
      frameworkId: 'fw',
      executorId: 'ex',
      sandbox: container.sandbox,
      checkpoint: true,
      subscriptionBackoffMaxMs: 2000,
      recoveryTimeoutMs: 15 * 60_000,
      shutdownGracePeriodMs: 3000,
      authToken: undefined,
    })
  })
})
