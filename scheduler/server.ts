/** Starting the scheduler process: the REST API bound first, then the state loaded and the master subscribed. */

import type { Server } from 'node:http'
import { PathTokens } from '../core-cluster/auth/index.js'
import { listen, type RequestTimeouts, type TlsFiles } from '../core-cluster/http/index.js'
import { createApi } from './api/index.js'
import { KafkaScheduler, type SchedulerOptions } from './framework/index.js'
import { closeKafkaAdmin } from './kafka/index.js'
export interface RunningScheduler {
  scheduler: KafkaScheduler
  server: Server
  /** base URL of the REST API */
  api: string
  close(): Promise<void>
}

/**
 * Starts the broker scheduler: binds the REST API on the `--api` URL's host and port (port 0 picks
 * one and the URL is rewritten, as mesos/kafka), loads state, subscribes to the master. With
 * `authenticator` the API authenticates every request and the tasks' download URIs carry path tokens.
 * @throws StorageError for unusable stored state; an Error when the port is taken
 */
export async function startScheduler(
  options: Omit<SchedulerOptions, 'api'> & {
    api: string
    bindHost?: string
    requestTimeouts?: RequestTimeouts
    /** serve HTTPS with this certificate and key (`--tls-cert`/`--tls-key`); the `--api` URL then says https */
    tls?: TlsFiles
  },
): Promise<RunningScheduler> {
  const url = new URL(options.api)
  if (options.tls && url.protocol !== 'https:') url.protocol = 'https:'
  let app: ReturnType<typeof createApi> | undefined
  const { server, port } = await listen(
    (req, env) => (app ? app.fetch(req, env) : new Response('scheduler is starting', { status: 503 })),
    options.bindHost ?? url.hostname,
    Number(url.port || 80),
    options.requestTimeouts,
    options.tls,
  )
  url.port = String(port)
  const api = url.toString().replace(/\/$/, '')
  // with authentication on, the task URIs carry path tokens: a Mesos fetcher sends no header
  const pathTokens = options.pathTokens ?? (options.authenticator ? new PathTokens() : undefined)
  const scheduler = new KafkaScheduler({ ...options, api, pathTokens })
  try {
    await scheduler.start()
  } catch (e) {
    server.close()
    throw e
  }
  app = createApi(scheduler, options.logger)
  options.logger.info({ api, master: options.master }, 'scheduler started')
  return {
    scheduler,
    server,
    api,
    close: async () => {
      scheduler.stop()
      await closeKafkaAdmin(scheduler)
      server.closeAllConnections()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}
