/** The audit log in etcd (real etcd-server): durable across scheduler instances, in write order. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { type EtcdProcess, startEtcd } from '../../test/support/etcd.js'
import { EtcdStateStore } from './etcd-store.js'
import type { OpsEntry } from './ops-log.js'

let dir: string
let etcd: EtcdProcess

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'km-etcd-ops-'))
  etcd = await startEtcd(join(dir, 'data'), join(dir, 'etcd.log'))
}, 30_000)

afterAll(async () => {
  await etcd?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const entry = (op: string): OpsEntry => ({
  time: new Date().toISOString(),
  who: { user: 'sre', address: '127.0.0.1' },
  op,
  params: { broker: '0' },
  status: 200,
  result: 'ok',
  ms: 3,
})

describe('EtcdOpsLog', () => {
  test('a restarted scheduler (new client) reads every entry back in the order written; read(N) is the last N', async () => {
    const first = new EtcdStateStore(etcd.url, 'kafka-mesos/state').opsLog()
    await Promise.all(['broker/add', 'broker/start', 'topic/add'].map((op) => first.append(entry(op))))
    const second = new EtcdStateStore(etcd.url, 'kafka-mesos/state').opsLog()
    await second.append(entry('topic/delete'))
    expect((await second.read()).map((e) => e.op)).toEqual(['broker/add', 'broker/start', 'topic/add', 'topic/delete'])
    expect((await second.read(2)).map((e) => e.op)).toEqual(['topic/add', 'topic/delete'])
    expect((await second.read())[0]).toMatchObject({ who: { user: 'sre' }, params: { broker: '0' }, result: 'ok' })
  })

  test('the logs of two states (two clusters in one etcd) stay apart', async () => {
    const a = new EtcdStateStore(etcd.url, 'kafka-mesos/a').opsLog()
    const b = new EtcdStateStore(etcd.url, 'kafka-mesos/ab').opsLog()
    await a.append(entry('broker/add'))
    await b.append(entry('topic/add'))
    expect((await a.read()).map((e) => e.op)).toEqual(['broker/add'])
    expect((await b.read()).map((e) => e.op)).toEqual(['topic/add'])
  })
})
