/** The download routes over a real socket: each serves its one file, and no path (`..`, `%2e%2e`, encoded slashes, backslashes, NUL) resolves to another file. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type Listening, listen } from '../../core-cluster/http/index.js'
import { registerFileRoutes } from './files.js'

const SECRET = 'secret-bytes-that-must-never-be-served'
let tmp: string
let server: Listening

/** One raw GET: the path goes on the wire as written (no URL parser resolves its dot segments first). */
function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path, method: 'GET' }, (res) => {
      let body = ''
      res.on('data', (c: Buffer) => {
        body += c.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'km-files-'))
  // served: dist/executor/<bundle>, cache/kafka/<archive>, cache/agents/<jar>; beside and above them, secrets
  for (const d of ['dist/executor', 'cache/kafka', 'cache/agents']) mkdirSync(join(tmp, d), { recursive: true })
  writeFileSync(join(tmp, 'dist/executor/kafka-mesos-executor.cjs'), 'bundle')
  writeFileSync(join(tmp, 'cache/kafka/kafka_2.13-4.4.0.tgz'), 'archive')
  writeFileSync(join(tmp, 'cache/agents/jolokia.jar'), 'jar')
  writeFileSync(join(tmp, 'cache/kafka/secret.txt'), SECRET)
  writeFileSync(join(tmp, 'secret.txt'), SECRET)
  writeFileSync(join(tmp, 'dist/secret.txt'), SECRET)
  const app = new Hono()
  registerFileRoutes(app, {
    executorBundle: join(tmp, 'dist/executor/kafka-mesos-executor.cjs'),
    kafkaArchive: join(tmp, 'cache/kafka/kafka_2.13-4.4.0.tgz'),
    metricsAgentJar: join(tmp, 'cache/agents/jolokia.jar'),
  })
  server = await listen((req) => app.fetch(req), '127.0.0.1', 0)
})
afterAll(async () => {
  server?.server.closeAllConnections()
  await new Promise<void>((r) => (server ? server.server.close(() => r()) : r()))
  rmSync(tmp, { recursive: true, force: true })
})

describe('the file routes', () => {
  test('serve their one file each', async () => {
    expect(await get('/executor/kafka-mesos-executor.cjs')).toEqual({ status: 200, body: 'bundle' })
    expect(await get('/kafka/kafka_2.13-4.4.0.tgz')).toEqual({ status: 200, body: 'archive' })
    expect(await get('/agents/jolokia.jar')).toEqual({ status: 200, body: 'jar' })
  })

  const escapes = [
    '/kafka/secret.txt',
    '/kafka/../secret.txt',
    '/kafka/../../secret.txt',
    '/kafka/..%2fsecret.txt',
    '/kafka/..%2f..%2fsecret.txt',
    '/kafka/..%2F..%2Fsecret.txt',
    '/kafka/%2e%2e/%2e%2e/secret.txt',
    '/kafka/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/kafka/%252e%252e%252fsecret.txt',
    '/kafka/kafka_2.13-4.4.0.tgz%2f..%2fsecret.txt',
    '/kafka/kafka_2.13-4.4.0.tgz/../secret.txt',
    '/kafka/..%5csecret.txt',
    '/kafka/..\\secret.txt',
    '/kafka/secret.txt%00.tgz',
    '/agents/..%2fkafka%2fsecret.txt',
    '/agents/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/executor/../secret.txt',
    '/executor/%2e%2e/secret.txt',
    '/executor/kafka-mesos-executor.cjs/..%2f..%2fsecret.txt',
    '/executor/..%2fsecret.txt',
    '//secret.txt',
    '/%2e%2e/secret.txt',
  ]
  test.each(escapes)('%s resolves to no other file (404 or 400)', async (path) => {
    const res = await get(path)
    expect([400, 404]).toContain(res.status)
    expect(res.body).not.toContain(SECRET)
  })
})
