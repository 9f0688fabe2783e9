/** `kafka-mesos agent`: run a cluster agent. */
import { resolve } from 'node:path'

import { Command, Flags } from '@oclif/core'
import { parsePeriod, ValueError } from '../../contract/index.js'
import { startAgent } from '../../core-cluster/agent/index.js'
import { AuthFileError } from '../../core-cluster/auth/index.js'
import { parseAttributes, parseResources, ResourceParseError } from '../../core-cluster/proto/index.js'
import {
  authFileFlag,
  credentialFlag,
  daemonAuthenticator,
  daemonCredential,
  daemonLogger,
  onShutdown,
} from '../daemon/index.js'

/** `kafka-mesos agent`: runs an agent that launches executors for the master's frameworks. */
export default class AgentCommand extends Command {
  static summary = 'Run a cluster agent.'
  static description = `Registers with the master, offers its resources, fetches task URIs into sandboxes under
--work-dir and runs executors in their own process groups (v1 executor API on /api/v1/executor).
Several agents can share one machine when each binds its own loopback address (127.0.1.1, 127.0.1.2, ...).
Static reservations use Mesos's syntax: cpus(kafka):4 is offered to role kafka only. Each executor's
process tree is accounted from /proc (GET /monitor/statistics) and killed when its resident memory
exceeds the mem of its tasks (TASK_FAILED, REASON_CONTAINER_LIMITATION_MEMORY) unless --no-memory-limits.

Authentication (docs/security.md): every executor gets its own token (MESOS_EXECUTOR_AUTHENTICATION_TOKEN)
and /api/v1/executor takes a call only with the token of the executor it names (--no-executor-auth turns
this off). --auth-file guards /state, /monitor/statistics and the operator API (viewer role); without it
they are open, which is refused on an address other hosts reach unless --insecure. --credential is the
agent's principal and secret toward a master that authenticates agents.`
  static examples = [
    `<%= config.bin %> agent --master 127.0.0.1:5050 --host 127.0.1.1 --resources "cpus:2;mem:4096;ports:[31000-31999]" --attributes rack:r1`,
    `<%= config.bin %> agent --master 127.0.0.1:5050 --resources "cpus(kafka):4;mem(kafka):8192;cpus:2;mem:2048;disk:10000"`,
    `<%= config.bin %> agent --master 10.0.0.1:5050 --host 10.0.0.11 --auth-file auth.json --credential agent-1.credential`,
  ]
  static flags = {
    master: Flags.string({ description: 'master host:port', required: true }),
    host: Flags.string({ description: 'address to bind and advertise (the agent hostname)', default: '127.0.0.1' }),
    port: Flags.integer({ description: 'port (0 = any free port)', default: 5051, min: 0, max: 65535 }),
    resources: Flags.string({
      description: 'resources, Mesos syntax: cpus:N;mem:MB;ports:[A-B]',
      default: 'cpus:2;mem:4096;ports:[31000-31999]',
    }),
    attributes: Flags.string({ description: 'attributes, Mesos syntax: rack:r1;dc:d1', default: '' }),
    'work-dir': Flags.string({ description: 'sandboxes, fetch cache and broker data', default: './agent-work' }),
    'log-level': Flags.string({ description: 'pino log level', options: ['trace', 'debug', 'info', 'warn', 'error'] }),
    'memory-limits': Flags.boolean({
      description: "kill an executor's process tree over the mem of its tasks (--no-memory-limits: only account)",
      default: true,
      allowNo: true,
    }),
    'executor-auth': Flags.boolean({
      description:
        'give each executor its own token and take executor calls only with the token of the executor they name (Mesos --authenticate_http_executors; --no-executor-auth: any caller may act as any executor)',
      default: true,
      allowNo: true,
    }),
    'fetcher-cache-size': Flags.integer({
      description:
        'bound of the fetch cache in MB; the least recently used files go first (Mesos --fetcher_cache_size, default 2 GB)',
      default: 2048,
      min: 0,
    }),
    'gc-delay': Flags.string({
      description:
        "how long a finished executor's sandbox is kept at most, a period such as 10m or 7d; a fuller disk removes it sooner; broker data and volumes are never removed (Mesos --gc_delay)",
      default: '7d',
    }),
    'disk-watch-interval': Flags.string({
      description: 'how often the disk usage is checked for sandbox GC, a period (Mesos --disk_watch_interval)',
      default: '1m',
    }),
    'gc-disk-headroom': Flags.string({
      description: 'share of the disk sandbox GC keeps free, 0 to 1 (Mesos --gc_disk_headroom)',
      default: '0.1',
    }),
    ...authFileFlag,
    ...credentialFlag,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(AgentCommand)
    let resources: ReturnType<typeof parseResources>
    let attributes: ReturnType<typeof parseAttributes>
    try {
      resources = parseResources(flags.resources)
      attributes = parseAttributes(flags.attributes)
    } catch (e) {
      if (e instanceof ResourceParseError) this.error(`--${e.message}`, { exit: 1 })
      throw e
    }
    let gc: { gcDelayMs: number; diskWatchIntervalMs: number; gcDiskHeadroom: number }
    try {
      const gcDiskHeadroom = Number(flags['gc-disk-headroom'])
      if (!(gcDiskHeadroom >= 0 && gcDiskHeadroom <= 1))
        throw new ValueError('--gc-disk-headroom', `expected a number from 0 to 1, got "${flags['gc-disk-headroom']}"`)
      gc = {
        gcDelayMs: parsePeriod(flags['gc-delay'], '--gc-delay'),
        diskWatchIntervalMs: Math.max(1, parsePeriod(flags['disk-watch-interval'], '--disk-watch-interval')),
        gcDiskHeadroom,
      }
    } catch (e) {
      if (e instanceof ValueError) this.error(e.message, { exit: 1 })
      throw e
    }
    const log = daemonLogger(`agent@${flags.host}`, flags['log-level'])
    let authenticator: ReturnType<typeof daemonAuthenticator>
    let credential: ReturnType<typeof daemonCredential>
    try {
      authenticator = daemonAuthenticator(flags, flags.host, 'agent', log)
      credential = daemonCredential(flags.credential, log)
    } catch (e) {
      if (e instanceof AuthFileError) this.error(e.message, { exit: 1 })
      throw e
    }
    if (!flags['executor-auth'])
      log.warn(
        'executor authentication is off (--no-executor-auth): any caller that reaches the agent may act as any executor',
      )
    const running = await startAgent({
      master: flags.master,
      host: flags.host,
      port: flags.port,
      resources,
      attributes,
      workDir: resolve(flags['work-dir']),
      enforceMemoryLimits: flags['memory-limits'],
      fetcherCacheBytes: flags['fetcher-cache-size'] * 1024 * 1024,
      ...gc,
      authenticateExecutors: flags['executor-auth'],
      authenticator,
      credential,
      logger: log,
    }).catch((e: Error) =>
      this.error(`cannot start the agent on ${flags.host}:${flags.port}: ${e.message}`, { exit: 1 }),
    )
    onShutdown(log, () => running.close())
    await new Promise(() => {})
  }
}
