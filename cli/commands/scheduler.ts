/** `kafka-mesos scheduler`: run the broker scheduler and its REST API. */
import { readFileSync } from 'node:fs'
import { userInfo } from 'node:os'

import { Command, Flags } from '@oclif/core'

import { parsePeriod, ValueError } from '../../contract/index.js'
import { AuthFileError, PathTokens } from '../../core-cluster/auth/index.js'
import { openStore, StorageError, startScheduler } from '../../scheduler/index.js'
import {
  authFileFlag,
  daemonAuthenticator,
  daemonLogger,
  EXECUTOR_BUNDLE,
  kafkaArchive,
  metricsAgentJar,
  onShutdown,
} from '../daemon/index.js'

/** `kafka-mesos scheduler`: runs the broker scheduler (a framework) and its REST API. */
export default class SchedulerCommand extends Command {
  static summary = 'Run the broker scheduler and its REST API.'
  static description = `A framework on the master that keeps the active Kafka brokers running, plus the KRaft
controller it runs itself. Serves the REST API (/api/broker/...) on --api, and the executor and the Kafka
archive that agents fetch. State is saved atomically to --storage.`
  static examples = [
    '<%= config.bin %> scheduler --master 127.0.0.1:5050 --api http://127.0.0.1:7000 --storage file:kafka-mesos.json --auth-file km-users.json',
    '<%= config.bin %> scheduler --master 10.0.0.5:5050 --api https://10.0.0.6:7000 --auth-file km-users.json --tls-cert api.crt --tls-key api.key',
  ]
  static flags = {
    master: Flags.string({ description: 'master host:port', required: true }),
    api: Flags.string({
      description: 'REST API URL as agents and users reach it; its port is bound (0 = any)',
      default: 'http://127.0.0.1:7000',
    }),
    'bind-address': Flags.string({ description: 'address the API binds to (default: the --api host)' }),
    storage: Flags.string({ description: 'where state is kept: file:<path>', default: 'file:kafka-mesos.json' }),
    'framework-name': Flags.string({ description: 'framework name, also the task id prefix', default: 'kafka' }),
    'framework-role': Flags.string({ description: 'framework role', default: '*' }),
    'framework-timeout': Flags.string({
      description: 'failover timeout: how long the master keeps brokers running while the scheduler is away',
      default: '30d',
    }),
    user: Flags.string({ description: 'user to run tasks as', default: userInfo().username }),
    'kafka-dist': Flags.string({
      description: 'Kafka archive to serve (kafka_2.13-4.x.tgz); default: the one "npm run kafka" assembled',
    }),
    controllers: Flags.string({
      description: 'size of the KRaft controller quorum the scheduler runs, each controller on its own host',
      default: '1',
      options: ['1', '3', '5'],
    }),
    'controller-cpus': Flags.string({ description: 'cpus of each KRaft controller task', default: '0.5' }),
    'controller-mem': Flags.integer({ description: 'memory of the KRaft controller task, MB', default: 768 }),
    'controller-heap': Flags.integer({ description: 'heap of the KRaft controller, MB', default: 256 }),
    'metrics-agent': Flags.string({
      description:
        'Jolokia javaagent jar served to brokers for "broker metrics" (none = no metrics); default: the one "npm run kafka" fetched',
    }),
    'node-cmd': Flags.string({ description: 'node executable agents use to run the executor', default: 'node' }),
    ...authFileFlag,
    'tls-cert': Flags.string({
      description: 'serve the REST API over HTTPS with this certificate chain (PEM); needs --tls-key',
      helpValue: '<path>',
      dependsOn: ['tls-key'],
    }),
    'tls-key': Flags.string({
      description: 'private key of --tls-cert (PEM)',
      helpValue: '<path>',
      dependsOn: ['tls-cert'],
    }),
    'log-level': Flags.string({ description: 'pino log level', options: ['trace', 'debug', 'info', 'warn', 'error'] }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(SchedulerCommand)
    const log = daemonLogger('scheduler', flags['log-level'])
    try {
      const host = flags['bind-address'] ?? new URL(flags.api).hostname
      const authenticator = daemonAuthenticator(flags, host, 'scheduler REST API', log)
      const tls =
        flags['tls-cert'] && flags['tls-key']
          ? { cert: readFileSync(flags['tls-cert']), key: readFileSync(flags['tls-key']) }
          : undefined
      // The tasks' download tokens are keyed by the auth file (a secret of the operator's, mode 0600), so a
      // task fetching while the scheduler restarts still gets its files: a random key would change with each
      // start and a fetch in flight would be refused (test/e2e/broker-failover.test.ts, mesos/kafka #306).
      const pathTokens =
        authenticator && flags['auth-file']
          ? PathTokens.fromSecret(readFileSync(flags['auth-file'], 'utf8'))
          : undefined
      const running = await startScheduler({
        authenticator,
        pathTokens,
        tls,
        master: flags.master,
        api: flags.api,
        bindHost: flags['bind-address'],
        storage: openStore(flags.storage),
        frameworkName: flags['framework-name'],
        frameworkRole: flags['framework-role'],
        frameworkTimeoutSeconds: parsePeriod(flags['framework-timeout'], '--framework-timeout') / 1000,
        user: flags.user,
        kafkaArchive: kafkaArchive(flags['kafka-dist']),
        executorBundle: EXECUTOR_BUNDLE,
        nodeCmd: flags['node-cmd'],
        metricsAgentJar: metricsAgentJar(flags['metrics-agent']),
        controller: {
          count: Number(flags.controllers),
          cpus: Number(flags['controller-cpus']),
          mem: flags['controller-mem'],
          heap: flags['controller-heap'],
        },
        logger: log,
      })
      onShutdown(log, () => running.close())
    } catch (e) {
      if (e instanceof StorageError || e instanceof ValueError || e instanceof AuthFileError)
        this.error(e.message, { exit: 1 })
      this.error(`cannot start the scheduler: ${(e as Error).message}`, { exit: 1 })
    }
    await new Promise(() => {})
  }
}
