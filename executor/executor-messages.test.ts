/** The executor's side of `broker log` and `broker metrics`: each request is answered with its requestId. */
/**
 * The executor's side of `broker log` / `broker metrics`: a framework MESSAGE with a request is
 * answered with a MESSAGE carrying the same requestId (no Kafka needed: before LAUNCH the log dir is
 * `<sandbox>/kafka-logs-out`).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { decodeReply, encodeMessage } from '../contract/index.js'
import { KafkaExecutor } from './executor.js'
import { silentLogger } from './log.js'

function executorIn(sandbox: string, sent: Buffer[]): KafkaExecutor {
  return new KafkaExecutor({
    client: {
      update: async () => ({}) as never,
      waitAcknowledged: async () => true,
      message: async (d) => {
        sent.push(Buffer.from(d))
      },
    },
    sandbox,
    shutdownGracePeriodMs: 5000,
    log: silentLogger,
    onDone: () => {},
  })
}

describe('KafkaExecutor.message', () => {
  it('answers log and metrics requests with the same requestId', async () => {
    const sandbox = mkdtempSync(path.join(os.tmpdir(), 'km-exec-msg-'))
    mkdirSync(path.join(sandbox, 'kafka-logs-out'))
    writeFileSync(path.join(sandbox, 'kafka-logs-out', 'server.log'), 'a\nb\nc\n')
    const sent: Buffer[] = []
    const exec = executorIn(sandbox, sent)
    exec.message(encodeMessage({ type: 'log', requestId: 'r1', name: 'server.log', lines: 2 }))
    exec.message(encodeMessage({ type: 'metrics', requestId: 'r2' }))
    exec.message(Buffer.from('something else'))
    await new Promise((r) => setTimeout(r, 50))
    const replies = sent.map((b) => decodeReply(b))
    expect(replies).toContainEqual({ type: 'log', requestId: 'r1', content: 'b\nc\n' })
    expect(replies).toContainEqual({
      type: 'metrics',
      requestId: 'r2',
      error: expect.stringMatching(/^no metrics agent/),
    })
    expect(sent).toHaveLength(2)
  })
})
