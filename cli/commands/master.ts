/** `kafka-mesos master`: run the cluster master. */
import { Command, Flags } from '@oclif/core'

import { parseWeights, startMaster } from '../../core-cluster/master/index.js'

import { daemonLogger, onShutdown } from '../daemon/index.js'

/** `kafka-mesos master`: runs the cluster master (Mesos v1 scheduler API on /api/v1/scheduler). */
export default class MasterCommand extends Command {
  static summary = 'Run the cluster master.'
  static description = `Agents register with the master; it offers their resources to frameworks (DRF) over the
Mesos v1 scheduler HTTP API (POST /api/v1/scheduler). GET /state shows agents, frameworks and tasks;
POST /api/v1 is the v1 operator API (GET_STATE, GET_ROLES, GET_WEIGHTS, UPDATE_WEIGHTS, ...).`
  static examples = [
    '<%= config.bin %> master --host 127.0.0.1 --port 5050',
    '<%= config.bin %> master --weights kafka=3,web=1',
    '<%= config.bin %> master --agent-ping-timeout 2 --max-agent-ping-timeouts 3   # agents unreachable after 6 s of silence',
  ]
  static flags = {
    host: Flags.string({ description: 'address to bind and advertise', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'port (0 = any free port)', default: 5050, min: 0, max: 65535 }),
    'allocation-interval': Flags.integer({ description: 'allocation interval in ms', default: 1000, min: 10 }),
    'agent-ping-timeout': Flags.integer({
      description: 'seconds between health-check pings of an agent, and to answer one (Mesos --agent_ping_timeout)',
      default: 15,
      min: 1,
    }),
    'max-agent-ping-timeouts': Flags.integer({
      description:
        'unanswered pings in a row after which an agent is unreachable: its tasks are reported TASK_UNREACHABLE (partition-aware frameworks) or TASK_LOST (Mesos --max_agent_ping_timeouts)',
      default: 5,
      min: 1,
    }),
    'agent-timeout': Flags.integer({
      description:
        'after an HA master failover, seconds an agent of the registry may take to re-register before it is marked unreachable (Mesos --agent_reregister_timeout)',
      default: 75,
      min: 1,
    }),
    weights: Flags.string({
      description:
        'role weights for DRF, e.g. kafka=3,web=1 (others weigh 1; POST /api/v1 UPDATE_WEIGHTS changes them at run time)',
    }),
    etcd: Flags.string({
      description:
        'etcd client URL(s), e.g. http://127.0.0.1:2379: run as one of several HA masters; the leader is elected through etcd and the others redirect to it',
    }),
    'log-level': Flags.string({ description: 'pino log level', options: ['trace', 'debug', 'info', 'warn', 'error'] }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(MasterCommand)
    let weights: Map<string, number> | undefined
    try {
      weights = flags.weights ? parseWeights(flags.weights) : undefined
    } catch (e) {
      this.error(`--weights: ${(e as Error).message}`, { exit: 1 })
    }
    const log = daemonLogger('master', flags['log-level'])
    const running = await startMaster({
      host: flags.host,
      port: flags.port,
      logger: log,
      allocationIntervalMs: flags['allocation-interval'],
      agentReregisterTimeoutMs: flags['agent-timeout'] * 1000,
      agentPingTimeoutMs: flags['agent-ping-timeout'] * 1000,
      maxAgentPingTimeouts: flags['max-agent-ping-timeouts'],
      weights,
      etcd: flags.etcd,
    }).catch((e: Error) =>
      this.error(`cannot start the master on ${flags.host}:${flags.port}: ${e.message}`, { exit: 1 }),
    )
    onShutdown(log, () => running.close())
    await new Promise(() => {})
  }
}
