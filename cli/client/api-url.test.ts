/** Where the CLI finds the scheduler's API: the --api flag, env KM_API, ./kafka-mesos.properties, in that order. */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, test } from 'vitest'

import { resolveApi } from './api-url.js'
import { SchedulerApiError } from './scheduler-api-error.js'

describe("resolveApi (mesos/kafka's order: flag > env KM_API > ./kafka-mesos.properties)", () => {
  let dir: string
  let empty: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'km-api-'))
    empty = mkdtempSync(join(tmpdir(), 'km-api-empty-'))
    writeFileSync(
      join(dir, 'kafka-mesos.properties'),
      '# cli defaults\nstorage=file:x.json\napi = http://props:7000/\n',
    )
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(empty, { recursive: true, force: true })
  })

  test('flag wins over env and file', () => {
    expect(resolveApi({ flag: 'http://flag:1', env: { KM_API: 'http://env:2' }, cwd: dir })).toBe('http://flag:1')
  })
  test('env wins over file', () => {
    expect(resolveApi({ env: { KM_API: 'http://env:2' }, cwd: dir })).toBe('http://env:2')
  })
  test('file is last; trailing slash dropped', () => {
    expect(resolveApi({ env: {}, cwd: dir })).toBe('http://props:7000')
  })
  test('empty values count as unset', () => {
    expect(resolveApi({ flag: '', env: { KM_API: '' }, cwd: dir })).toBe('http://props:7000')
  })
  test('scheme is optional', () => {
    expect(resolveApi({ flag: '127.0.0.1:7000', env: {}, cwd: empty })).toBe('http://127.0.0.1:7000')
  })
  test('nothing set: the documented error', () => {
    expect(() => resolveApi({ env: {}, cwd: empty })).toThrow(
      new SchedulerApiError(
        'KM_ERR_NO_API',
        'Undefined api. Provide --api, KM_API or api= in ./kafka-mesos.properties',
      ),
    )
  })
  test('bad URL', () => {
    expect(() => resolveApi({ flag: 'ftp://x', env: {}, cwd: empty })).toThrow('invalid api URL "ftp://x"')
  })
})
