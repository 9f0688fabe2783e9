/** Starting the scheduler process: the REST API bound first, then the state loaded and the master subscribed. */

import type { Server } from 'node:http'
import { listen, type RequestTimeouts } from '../core-cluster/http/index.js'
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
 * one and the URL is rewritten, as mesos/kafka), loads state, subscribes to the master.
 * @throws StorageError for unusable stored state; an Error when the port is taken
 */
export async function startScheduler(
  options: Omit<SchedulerOptions, 'api'> & { api: string; bindHost?: string; requestTimeouts?: RequestTimeouts },
): Promise<RunningScheduler> {
  const url = new URL(options.api)
  let app: ReturnType<typeof createApi> | undefined
  const { server, port } = await listen(
    (req, env) => (app ? app.fetch(req, env) : new Response('scheduler is starting', { status: 503 })),
    options.bindHost ?? url.hostname,
    Number(url.port || 80),
    options.requestTimeouts,
  )
  url.port = String(port)
  const api = url.toString().replace(/\/$/, '')
  const scheduler = new KafkaScheduler({ ...options, api })
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
