/** One request/response exchange with a Kafka node over TCP, bounded in time. */

import { connect } from 'node:net'
import { Reader, WireError, Writer } from './codec.js'

/** One request/response exchange with a Kafka node, bounded in time. */
export interface RequestOptions {
  host: string
  port: number
  apiKey: number
  apiVersion: number
  /** request body (after the header) */
  body: Buffer
  /** flexible versions use request header v2 / response header v1 (with tagged fields) */
  flexible: boolean
  clientId?: string
  /** ms, default 5000 */
  timeoutMs?: number
}

let correlation = 0

/**
 * Sends one request on a fresh TCP connection and returns the response body (after the response
 * header). Framing: int32 size, then header and body (Kafka protocol guide, "Common Request and
 * Response Structure").
 * @throws WireError on a bad frame or correlation id; Error on connection failure or timeout
 */
export function request(opts: RequestOptions): Promise<Reader> {
  const id = (correlation = (correlation + 1) & 0x7fffffff)
  const header = new Writer()
    .int16(opts.apiKey)
    .int16(opts.apiVersion)
    .int32(id)
    .nullableString(opts.clientId ?? 'kafka-mesos')
  if (opts.flexible) header.tags()
  const payload = Buffer.concat([header.build(), opts.body])
  const frame = Buffer.concat([new Writer().int32(payload.length).build(), payload])
  return new Promise((resolve, reject) => {
    const socket = connect({ host: opts.host, port: opts.port })
    let data = Buffer.alloc(0)
    const timer = setTimeout(
      () => fail(new Error(`no answer from ${opts.host}:${opts.port} within ${opts.timeoutMs ?? 5000} ms`)),
      opts.timeoutMs ?? 5000,
    )
    const fail = (e: Error) => {
      clearTimeout(timer)
      socket.destroy()
      reject(e)
    }
    socket.once('error', fail)
    socket.once('connect', () => socket.write(frame))
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk])
      if (data.length < 4) return
      const size = data.readInt32BE(0)
      if (data.length < 4 + size) return
      clearTimeout(timer)
      socket.end()
      try {
        const r = new Reader(data.subarray(4, 4 + size))
        const got = r.int32()
        if (got !== id) throw new WireError(`correlation id ${got} does not match request ${id}`)
        if (opts.flexible) r.tags()
        resolve(r)
      } catch (e) {
        reject(e)
      }
    })
    socket.once('close', () => fail(new Error(`${opts.host}:${opts.port} closed the connection before answering`)))
  })
}

/** `host:port` → host and port (the last colon splits, so IPv6 hosts without brackets work too). */
export function splitEndpoint(endpoint: string): { host: string; port: number } {
  const i = endpoint.lastIndexOf(':')
  return { host: endpoint.slice(0, i), port: Number(endpoint.slice(i + 1)) }
}

/**
 * Sends the request to the first of `endpoints` that answers; connection failures and timeouts move
 * on to the next one. Brokers forward admin requests (quotas, reassignments, elections) to the
 * active controller, so any broker will do.
 * @returns the response body reader and the endpoint that answered
 * @throws Error naming every endpoint's failure when none answers
 */
export async function requestAny(
  endpoints: readonly string[],
  opts: Omit<RequestOptions, 'host' | 'port'>,
  what: string,
): Promise<{ reader: Reader; endpoint: string }> {
  const failures: string[] = []
  for (const endpoint of endpoints) {
    try {
      return { reader: await request({ ...opts, ...splitEndpoint(endpoint) }), endpoint }
    } catch (e) {
      failures.push(`${endpoint}: ${(e as Error).message}`)
    }
  }
  throw new Error(`no broker answered ${what} (${failures.join('; ') || 'no endpoints'})`)
}
