/** The HTTP listener every daemon uses: a hono fetch handler served on host:port, with keep-alive tuned for event streams. */

import type { Server } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { type HttpBindings, serve } from '@hono/node-server'
import { DEFAULT_TIMEOUTS, type RequestTimeouts } from './request-limits.js'

/** A fetch handler as @hono/node-server calls it (hono's `app.fetch`, or a wrapper around it). */
export type FetchHandler = (req: Request, env: HttpBindings) => Response | Promise<Response>

/** An HTTP server that is listening, and the port it got. */
export interface Listening {
  server: Server
  port: number
  /** Closes every connection (open event streams included) and the listener. */
  close(): Promise<void>
}

/** A TLS certificate chain and its private key, PEM (the `--tls-cert`/`--tls-key` files' contents). */
export interface TlsFiles {
  cert: string | Buffer
  key: string | Buffer
}

/**
 * Serves `fetch` on host:port (0 = a free port) and resolves once listening. Every daemon of ours
 * uses it: idle keep-alive sockets outlive clients' own idle timeout (undici: 4 s), so a client never
 * reuses a socket the server is just closing ("other side closed"). A request must send its headers
 * within `timeouts.headersMs` and its whole body within `timeouts.bodyMs` (Node's `headersTimeout`
 * and `requestTimeout`, checked every second), or it is answered 408 and cut off; the answer is not
 * limited, so event streams stay open for good (Node stops timing a request once its body is in).
 * With `tls` it serves HTTPS (node:https through @hono/node-server's `createServer` option).
 * @throws the listen error, e.g. EADDRINUSE; a TLS error for a bad certificate or key
 */
export async function listen(
  fetch: FetchHandler,
  host: string,
  port: number,
  timeouts: RequestTimeouts = DEFAULT_TIMEOUTS,
  tls?: TlsFiles,
): Promise<Listening> {
  const server = serve({
    fetch: fetch as (req: Request, env: unknown) => Response | Promise<Response>,
    port,
    hostname: host,
    ...(tls ? { createServer: createHttpsServer } : {}),
    serverOptions: {
      ...(tls ? { cert: tls.cert, key: tls.key } : {}),
      headersTimeout: Math.min(timeouts.headersMs, timeouts.bodyMs),
      requestTimeout: timeouts.bodyMs,
      connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
      keepAliveTimeout: 65_000,
    },
  }) as Server
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
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
