/** The limits every server of ours puts on a request: body size (413), header and body timeouts. */

import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'

/** 1 MiB: the default largest request body of every API (issue 14: "configurable, default 1 MB"). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024

/**
 * 16 MiB: the largest body on the master's agent link (`/internal/agent`). A REGISTER lists every
 * task the agent runs, each with its TaskInfo, so a busy agent's is far larger than any API call;
 * refusing it would keep the agent out of the cluster.
 */
export const DEFAULT_MAX_AGENT_LINK_BYTES = 16 * 1024 * 1024

/** How long a request may take to send its headers, and then its whole body (ms). */
export interface RequestTimeouts {
  /** Node's `server.headersTimeout`: from the first byte of a request to the end of its headers (default 10 s) */
  headersMs: number
  /** Node's `server.requestTimeout`: from the first byte to the end of the body (default 30 s); a slower client gets 408 and is cut off */
  bodyMs: number
}

/** The defaults: 10 s for the headers, 30 s for the whole request. */
export const DEFAULT_TIMEOUTS: RequestTimeouts = { headersMs: 10_000, bodyMs: 30_000 }

/**
 * Refuses a body larger than `maxBytes` with 413 before reading it (Content-Length), or as soon as
 * a chunked body passes the limit, with hono's `bodyLimit`. The answer closes the connection, so the
 * rest of a huge body is never read. `answer` shapes the 413 (JSON `{"error","code"}` for our REST
 * API, text for the Mesos APIs).
 */
export function limitBody(maxBytes: number, answer: (message: string) => Response): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      const res = answer(
        `request body is larger than the ${maxBytes} bytes this server accepts; send less (the limit is configurable)`,
      )
      res.headers.set('Connection', 'close')
      return res
    },
  })
}
