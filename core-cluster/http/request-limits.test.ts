/** The request limits on a real listener: a 64 MB body is 413 without growing memory, a slow body is cut at the timeout, deep JSON is found without recursion. */

import { connect, type Socket } from 'node:net'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { tooDeep } from '../proto/index.js'
import { type Listening, listen } from './listen.js'
import { limitBody } from './request-limits.js'

/** Everything the server sends until it closes the connection, and how long that took (ms). */
function untilClosed(sock: Socket): Promise<{ text: string; ms: number }> {
  const started = Date.now()
  return new Promise((resolve) => {
    let text = ''
    sock.on('data', (d: Buffer) => {
      text += d.toString('latin1')
    })
    sock.on('error', () => undefined)
    sock.on('close', () => resolve({ text, ms: Date.now() - started }))
  })
}

describe('request limits on a listener of ours', () => {
  let server: Listening
  let bodiesRead = 0
  beforeAll(async () => {
    const app = new Hono()
    app.use(
      '*',
      limitBody(1024 * 1024, (m) => new Response(m, { status: 413 })),
    )
    app.post('/echo', async (c) => {
      const n = (await c.req.arrayBuffer()).byteLength
      bodiesRead++
      return c.text(String(n))
    })
    server = await listen((req, env) => app.fetch(req, env), '127.0.0.1', 0, { headersMs: 500, bodyMs: 1500 })
  })
  afterAll(() => server.close())

  test('a body under the limit is read whole', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/echo`, { method: 'POST', body: 'x'.repeat(1000) })
    expect([res.status, await res.text()]).toEqual([200, '1000'])
  })

  test('a declared 64 MB body is answered 413 before it is read, and the connection is closed', async () => {
    const sock = connect(server.port, '127.0.0.1')
    const answer = untilClosed(sock)
    sock.write(`POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`)
    const { text } = await answer
    expect(text).toMatch(/^HTTP\/1\.1 413/)
    expect(text.toLowerCase()).toContain('connection: close')
    expect(text).toContain('larger than the 1048576 bytes')
  })

  test('64 MB sent chunked: 413 once past the limit, the rest is never kept (RSS stays flat)', async () => {
    const before = process.memoryUsage().rss
    const read = bodiesRead
    const chunk = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(64 * 1024, 'a'), Buffer.from('\r\n')])
    const sock = connect(server.port, '127.0.0.1')
    const answer = untilClosed(sock)
    sock.write('POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n')
    let sent = 0
    while (sent < 64 * 1024 * 1024 && !sock.destroyed && sock.writable) {
      const ok = sock.write(chunk)
      sent += 64 * 1024
      if (!ok) await new Promise((r) => sock.once('drain', r).once('close', r))
    }
    const { text } = await answer
    expect(text).toMatch(/^HTTP\/1\.1 413/)
    expect(bodiesRead).toBe(read)
    // the server stopped at 1 MiB; a server that kept the body would have grown by 64 MB or more
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024)
  })

  test('a body sent one byte at a time is cut at the body timeout (408), not held for minutes', async () => {
    const sock = connect(server.port, '127.0.0.1')
    const answer = untilClosed(sock)
    sock.write('POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n')
    const drip = setInterval(() => sock.writable && sock.write('a'), 200)
    const { text, ms } = await answer
    clearInterval(drip)
    expect(text).toMatch(/^HTTP\/1\.1 408/)
    // 1.5 s body timeout, checked every 0.5 s
    expect(ms).toBeGreaterThanOrEqual(1400)
    expect(ms).toBeLessThan(5000)
  })

  test('headers that never end are cut at the header timeout', async () => {
    const sock = connect(server.port, '127.0.0.1')
    const answer = untilClosed(sock)
    sock.write('POST /echo HTTP/1.1\r\nHost: x\r\n')
    const drip = setInterval(() => sock.writable && sock.write('X-A: b\r\n'), 100)
    const { text, ms } = await answer
    clearInterval(drip)
    expect(text).toMatch(/^HTTP\/1\.1 408/)
    expect(ms).toBeLessThan(3000)
  })
})

describe('tooDeep', () => {
  test('finds the first place past the limit, for any depth, without recursion', () => {
    let deep: unknown = 1
    for (let i = 0; i < 100_000; i++) deep = [deep]
    expect(tooDeep({ x: deep })).toBe(`$.x${'[0]'.repeat(63)}`)
    expect(tooDeep({ a: { b: [1, { c: 2 }] } })).toBeUndefined()
    expect(tooDeep([[[]]], 2)).toBe('$[0][0]')
  })
})
