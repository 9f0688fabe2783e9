/** `broker log` on the executor: tails of small and big files, which names are allowed, and missing files. */

import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { LOG_CAP_BYTES, LogFileError, resolveLogFile, tailFile, tailText } from './log-tail.js'
import { answerRequest } from './requests.js'

const dir = mkdtempSync(path.join(os.tmpdir(), 'km-tail-'))
const places = { sandbox: dir, logsDir: path.join(dir, 'kafka-logs-out') }

describe('tailFile', () => {
  it('returns the last N lines, keeping the final newline', () => {
    const f = path.join(dir, 'ten')
    writeFileSync(f, `${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n')}\n`)
    expect(tailFile(f, 3)).toBe('line 8\nline 9\nline 10\n')
    expect(tailFile(f, 100)).toBe(`${Array.from({ length: 10 }, (_, i) => `line ${i + 1}`).join('\n')}\n`)
  })

  it('reads at most 100 KB from the end of a big file and drops the cut first line', () => {
    const f = path.join(dir, 'big')
    const line = 'x'.repeat(99) // 100 bytes with the newline
    writeFileSync(
      f,
      `${Array.from({ length: 5000 }, (_, i) => `${String(i).padStart(4, '0')}${line.slice(4)}`).join('\n')}\n`,
    ) // 500 KB
    const out = tailFile(f, 100_000)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(LOG_CAP_BYTES)
    expect(Buffer.byteLength(out)).toBeGreaterThan(LOG_CAP_BYTES - 200)
    const lines = out.trimEnd().split('\n')
    expect(lines.every((l) => l.length === 99)).toBe(true) // no partial line
    expect(lines.at(-1)?.startsWith('4999')).toBe(true)
  })

  it('a file with no final newline and an empty file', () => {
    const f = path.join(dir, 'nonl')
    writeFileSync(f, 'a\nb\nc')
    expect(tailFile(f, 2)).toBe('b\nc')
    writeFileSync(f, '')
    expect(tailFile(f, 5)).toBe('')
  })

  it('a missing file is a LogFileError that names it', () => {
    expect(() => tailFile(path.join(dir, 'nope.log'), 5)).toThrow(new LogFileError("nope.log doesn't exist"))
  })

  test.prop([
    fc.array(fc.string({ unit: fc.constantFrom('a', 'é', ' ', '\n'), maxLength: 30 }), { maxLength: 40 }),
    fc.integer({ min: 1, max: 50 }),
    fc.integer({ min: 1, max: 400 }),
  ])('never more than N lines nor cap bytes; always a suffix of the file', (parts, n, cap) => {
    const text = parts.join('\n')
    const buf = Buffer.from(text)
    const start = Math.max(0, buf.length - cap)
    const out = tailText(buf.subarray(start), n, start > 0)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(Math.min(cap, buf.length))
    expect(out.replace(/\n$/, '').split('\n').length).toBeLessThanOrEqual(n)
    if (!out.includes('\ufffd')) expect(text.endsWith(out)).toBe(true)
    if (start === 0) {
      const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n')
      if (text !== '') expect(out).toBe(lines.slice(-n).join('\n') + (text.endsWith('\n') ? '\n' : ''))
    }
  })
})

describe('resolveLogFile', () => {
  it('stdout and stderr are in the sandbox, *.log in the Kafka log dir', () => {
    expect(resolveLogFile('stdout', places)).toBe(path.join(dir, 'stdout'))
    expect(resolveLogFile('stderr', places)).toBe(path.join(dir, 'stderr'))
    expect(resolveLogFile('server.log', places)).toBe(path.join(places.logsDir, 'server.log'))
  })
  it('refuses other names and paths', () => {
    expect(() => resolveLogFile('server.properties', places)).toThrow(/doesn't end with \.log/)
    expect(() => resolveLogFile('../../etc/x.log', places)).toThrow(/not a path/)
    expect(() => resolveLogFile('.hidden.log', places)).toThrow(/not a path/)
  })
})

describe('answerRequest (log)', () => {
  it('names the missing file and the log files there are', async () => {
    const sandbox = mkdtempSync(path.join(os.tmpdir(), 'km-tail-'))
    const logsDir = path.join(sandbox, 'kafka-logs-out')
    const { mkdirSync } = await import('node:fs')
    mkdirSync(logsDir)
    writeFileSync(path.join(logsDir, 'server.log'), 'started\n')
    const r = await answerRequest(
      { type: 'log', requestId: 'r1', name: 'controller.log', lines: 5 },
      { sandbox, logsDir, hasMetricsAgent: false },
    )
    expect(r).toEqual({
      type: 'log',
      requestId: 'r1',
      error: "controller.log doesn't exist in the Kafka log dir kafka-logs-out/ (there: server.log)",
    })
    const ok = await answerRequest(
      { type: 'log', requestId: 'r2', name: 'server.log', lines: 5 },
      { sandbox, logsDir, hasMetricsAgent: false },
    )
    expect(ok).toEqual({ type: 'log', requestId: 'r2', content: 'started\n' })
  })
  it('metrics without an agent say why', async () => {
    const r = await answerRequest(
      { type: 'metrics', requestId: 'm' },
      { sandbox: dir, logsDir: dir, hasMetricsAgent: false },
    )
    expect(r.type === 'metrics' && r.error).toMatch(/no metrics agent/)
  })
})
