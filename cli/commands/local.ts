/** `kafka-mesos local`: run a master, agents and the broker scheduler on this machine. */
import { relative } from 'node:path'
import { Command, Flags } from '@oclif/core'

import { LocalCluster } from '../daemon/index.js'

/** `kafka-mesos local`: a whole cluster on this machine until Ctrl-C. */
export default class LocalCommand extends Command {
  static summary = 'Run a master, agents and the broker scheduler on this machine.'
  static description = `Starts one master (127.0.0.1), --agents agents on their own loopback addresses (127.0.1.1,
127.0.1.2, ...; attribute rack:r1, r2, ...) and the broker scheduler with its REST API, each as its own OS
process, logging to <work-dir>/logs. Runs until Ctrl-C, then stops everything: no executor or Kafka JVM is
left running. Brokers are added and started with the broker commands against the printed API.

The REST API runs with authentication on: the first run makes an admin token in <work-dir>/admin.token
and the scheduler's --auth-file <work-dir>/scheduler-users.json (both mode 0600); the CLI sends the
token from KM_TOKEN, as the printed lines set it.`
  static examples = [
    '<%= config.bin %> local',
    '<%= config.bin %> local --ha --apps --controllers 3',
    '<%= config.bin %> local --agents 5 --resources "cpus:4;mem:8192;ports:[31000-31999]"',
    'KM_API=http://127.0.0.1:7000 KM_TOKEN=$(cat .km-local/admin.token) <%= config.bin %> broker add 0..2 --cpus 0.5 --mem 768 --heap 256',
  ]
  static flags = {
    agents: Flags.integer({ description: 'number of agents', default: 3, min: 1, max: 200 }),
    resources: Flags.string({
      description: 'resources of each agent, Mesos syntax',
      default: 'cpus:2;mem:4096;ports:[31000-31999]',
    }),
    'master-port': Flags.integer({ description: 'master port (0 = any)', default: 5050, min: 0, max: 65535 }),
    'api-port': Flags.integer({ description: 'scheduler REST API port (0 = any)', default: 7000, min: 0, max: 65535 }),
    'work-dir': Flags.string({
      description: 'agent sandboxes, broker data, scheduler state, logs',
      default: '.km-local',
    }),
    ha: Flags.boolean({
      description:
        'high availability: a real etcd, 3 masters elected through it, scheduler state in etcd (add --apps to run the scheduler under the meta-framework too)',
    }),
    apps: Flags.boolean({
      description:
        'run the broker scheduler as app /kafka under the meta-framework (kafka-mesos apps), which restarts it if it dies',
    }),
    controllers: Flags.string({
      description: 'size of the KRaft controller quorum (1, 3 or 5; each on its own agent)',
      default: '1',
      options: ['1', '3', '5'],
    }),
    'kafka-dist': Flags.string({
      description: 'Kafka archive to run (kafka_2.13-4.x.tgz); default: the one "npm run kafka" assembled',
    }),
    'log-level': Flags.string({
      description: 'log level of the daemons',
      options: ['trace', 'debug', 'info', 'warn', 'error'],
    }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(LocalCommand)
    const cluster = new LocalCluster({
      workDir: flags['work-dir'],
      agents: flags.agents,
      masterPort: flags['master-port'],
      apiPort: flags['api-port'],
      resources: flags.resources,
      kafkaDist: flags['kafka-dist'],
      controllers: Number(flags.controllers),
      schedulerUnderApps: flags.apps,
      ha: flags.ha,
      logLevel: flags['log-level'],
      progress: (line) => this.log(line),
    })
    let stopping = false
    const stop = async () => {
      if (stopping) return
      stopping = true
      this.log('\nstopping the local cluster ...')
      await cluster.stop()
      const left = cluster.leftovers()
      this.log(
        left.length === 0
          ? 'stopped: no agent, executor or Kafka JVM left running'
          : `warning: ${left.length} processes could not be stopped`,
      )
      process.exit(left.length === 0 ? 0 : 1)
    }
    process.on('SIGINT', () => void stop())
    process.on('SIGTERM', () => void stop())
    try {
      await cluster.start()
    } catch (e) {
      this.error((e as Error).message, { exit: 1 })
    }
    const tokenFile = relative(process.cwd(), cluster.apiAuth!.tokenFile) || cluster.apiAuth!.tokenFile
    this.log(
      `\nlocal cluster is up. Try:\n  export KM_API=${cluster.api}\n  export KM_TOKEN=$(cat ${tokenFile})\n  ${this.config.bin} broker add 0..2 --cpus 0.5 --mem 768 --heap 256\n  ${this.config.bin} broker start 0..2\nPress Ctrl-C to stop everything.`,
    )
    await new Promise(() => {})
  }
}
