/** The audit log of operations: the file log across restarts and torn lines, the memory log, and redaction of secrets. */

import { mkdtempSync } from 'node:fs'
import { appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, test } from 'vitest'

import { FileOpsLog, MemoryOpsLog, type OpsEntry, redact } from './ops-log.js'

const entry = (op: string, i = 0): OpsEntry => ({
  time: new Date(i).toISOString(),
  who: { user: 'u', address: '127.0.0.1' },
  op,
  params: {},
  status: 200,
  result: 'ok',
  ms: 1,
})

describe('OpsLog', () => {
  test('appends in order across instances (a restarted scheduler keeps the history); read returns the last N', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'km-ops-')), 'state.json.ops.jsonl')
    const a = new FileOpsLog(path)
    await Promise.all([
      a.append(entry('broker/add', 1)),
      a.append(entry('broker/start', 2)),
      a.append(entry('topic/add', 3)),
    ])
    const b = new FileOpsLog(path)
    await b.append(entry('topic/delete', 4))
    expect((await b.read()).map((e) => e.op)).toEqual(['broker/add', 'broker/start', 'topic/add', 'topic/delete'])
    expect((await b.read(2)).map((e) => e.op)).toEqual(['topic/add', 'topic/delete'])
  })

  test('a torn last line is skipped; a missing file is an empty log', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'km-ops-')), 'ops.jsonl')
    expect(await new FileOpsLog(path).read()).toEqual([])
    const log = new FileOpsLog(path)
    await log.append(entry('topic/add'))
    await appendFile(path, '{"time":"2026-')
    expect((await log.read()).map((e) => e.op)).toEqual(['topic/add'])
  })

  test('in memory without a path', async () => {
    const log = new MemoryOpsLog()
    await log.append(entry('x'))
    expect(await log.read()).toHaveLength(1)
  })
})

describe('redact', () => {
  test('masks secret-looking params and k=v entries, leaves the rest', () => {
    expect(
      redact({
        topic: 't',
        password: 'p',
        options: 'retention.ms=1,ssl.keystore.password=abc,sasl.jaas.config=x\\,y,flush.ms=2',
      }),
    ).toEqual({
      topic: 't',
      password: '***',
      options: 'retention.ms=1,ssl.keystore.password=***,sasl.jaas.config=***,flush.ms=2',
    })
  })
})
