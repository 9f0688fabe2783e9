/** One open RecordIO event stream on a Node HTTP response. */

import type { ServerResponse } from 'node:http'
import { encodeRecord } from './recordio.js'

/**
 * One open RecordIO event stream on a Node HTTP response: each `send` is one record in one HTTP
 * chunk (the npm `mesos-framework` client needs that; `docs/recordio.md` allows any chunking).
 */
export class EventStream {
  private closedFlag = false
  private readonly closeHandlers: Array<() => void> = []

  constructor(
    private readonly res: ServerResponse,
    contentType: string,
    headers: Record<string, string> = {},
  ) {
    res.writeHead(200, {
      'Content-Type': contentType,
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      ...headers,
    })
    res.flushHeaders()
    const onGone = () => this.markClosed()
    res.on('close', onGone)
    res.on('error', onGone)
    res.socket?.setKeepAlive(true, 5_000)
    res.socket?.setNoDelay(true)
  }

  get closed(): boolean {
    return this.closedFlag
  }

  /** Writes one framed record; returns false when the stream is already closed. */
  send(payload: Uint8Array): boolean {
    if (this.closedFlag) return false
    this.res.write(encodeRecord(payload))
    return true
  }

  /** Ends the HTTP response. */
  close(): void {
    if (this.closedFlag) return
    this.res.end()
    this.markClosed()
  }

  /** Runs `handler` once, when the stream closes from either side. */
  onClose(handler: () => void): void {
    if (this.closedFlag) handler()
    else this.closeHandlers.push(handler)
  }

  private markClosed(): void {
    if (this.closedFlag) return
    this.closedFlag = true
    for (const h of this.closeHandlers.splice(0)) h()
  }
}
