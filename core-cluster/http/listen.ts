/** The HTTP listener every daemon uses: a hono fetch handler served on host:port, with keep-alive tuned for event streams. */

import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { type HttpBindings, serve } from '@hono/node-server'

/** A fetch handler as @hono/node-server calls it (hono's `app.fetch`, or a wrapper around it). */
export type FetchHandler = (req: Request, env: HttpBindings) => Response | Promise<Response>

/** An HTTP server that is listening, and the port it got. */
export interface Listening {
  server: Server
  port: number
  /** Closes every connection (open event streams included) and the listener. */
  close(): Promise<void>
}

/**
 * Serves `fetch` on host:port (0 = a free port) and resolves once listening. Every daemon of ours
 * uses it: idle keep-alive sockets outlive clients' own idle timeout (undici: 4 s), so a client never
 * reuses a socket the server is just closing ("other side closed"); requests have no time limit,
 * since event streams stay open for good.
 * @throws the listen error, e.g. EADDRINUSE
 */
export async function listen(fetch: FetchHandler, host: string, port: number): Promise<Listening> {
  const server = serve({
    fetch: fetch as (req: Request, env: unknown) => Response | Promise<Response>,
    port,
    hostname: host,
  }) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  server.keepAliveTimeout = 65_000
  server.headersTimeout = 66_000
  server.requestTimeout = 0
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
