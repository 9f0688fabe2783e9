/** `kafka-mesos apps`: run the meta-framework that keeps long-running apps (such as the broker scheduler) alive. */
import { resolve } from 'node:path'

import { Command, Flags } from '@oclif/core'

import { AppsStateError, startApps } from '../../core-cluster/apps/index.js'

import { daemonLogger, onShutdown } from '../daemon/index.js'

/** `kafka-mesos apps`: the Marathon-like meta-framework that keeps long-running commands alive. */
export default class AppsCommand extends Command {
  static summary = 'Run the meta-framework that keeps long-running apps (such as the broker scheduler) alive.'
  static description = `A framework on the master with a subset of Marathon's /v2 API: POST /v2/apps with an app
definition (id, cmd or args, cpus, mem, instances, env, fetch, constraints, portDefinitions,
healthChecks, backoffSeconds/backoffFactor/maxLaunchDelaySeconds) keeps that many instances running as
command tasks, replacing failed or unhealthy ones after a back-off. GET /v2/apps/{id}/tasks tells where
they run (host, ports). Apps and tasks are kept in --storage and survive restarts.`
  static examples = [
    '<%= config.bin %> apps --master 127.0.0.1:5050 --port 8080',
    `curl -X POST localhost:8080/v2/apps -H 'Content-Type: application/json' -d '{"id":"/sleeper","cmd":"sleep 3600","cpus":0.1,"mem":32}'`,
  ]
  static flags = {
    master: Flags.string({ description: 'master host:port', required: true }),
    host: Flags.string({ description: 'address the /v2 API binds to', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'port of the /v2 API (0 = any)', default: 8080, min: 0, max: 65535 }),
    storage: Flags.string({
      description: 'state file (apps, tasks, framework id), written atomically',
      default: 'file:kafka-mesos-apps.json',
    }),
    'log-level': Flags.string({ description: 'pino log level', options: ['trace', 'debug', 'info', 'warn', 'error'] }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(AppsCommand)
    if (!flags.storage.startsWith('file:') || flags.storage.length <= 5)
      this.error(`--storage: expected file:<path>, got "${flags.storage}"`, { exit: 1 })
    const log = daemonLogger('apps', flags['log-level'])
    try {
      const running = await startApps({
        master: flags.master,
        host: flags.host,
        port: flags.port,
        statePath: resolve(flags.storage.slice(5)),
        logger: log,
      })
      onShutdown(log, () => running.close())
    } catch (e) {
      if (e instanceof AppsStateError) this.error(e.message, { exit: 1 })
      this.error(`cannot start apps: ${(e as Error).message}`, { exit: 1 })
    }
    await new Promise(() => {})
  }
}
