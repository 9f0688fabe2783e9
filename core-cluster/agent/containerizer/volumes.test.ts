/** The volume store on disk: checkpointed reservations, volume directories, sandbox links, DESTROY. */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import type { Resource } from '../../proto/index.js'
import { AgentResources } from './volumes.js'

const work = mkdtempSync(join(tmpdir(), 'km-volumes-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const vol = (id: string, role = 'kafka'): Resource => ({
  name: 'disk',
  type: 'SCALAR',
  scalar: { value: 10 },
  reservations: [{ type: 'DYNAMIC', role }],
  disk: { persistence: { id }, volume: { container_path: 'data', mode: 'RW' } },
})

describe('agent reservations and volumes on disk', () => {
  test('checkpoint, volume directories, sandbox links, DESTROY removes the data', () => {
    const store = new AgentResources(work)
    expect(store.load()).toEqual([])
    const reserved: Resource = {
      name: 'cpus',
      type: 'SCALAR',
      scalar: { value: 1 },
      reservations: [{ type: 'DYNAMIC', role: 'eng/backend' }],
    }
    expect(store.apply([reserved, vol('v1'), vol('v2', 'eng/backend')])).toEqual({ created: ['v1', 'v2'], removed: [] })
    expect(store.load()).toHaveLength(3)
    expect(existsSync(join(work, 'volumes', 'roles', 'kafka', 'v1'))).toBe(true)
    expect(existsSync(join(work, 'volumes', 'roles', 'eng%2Fbackend', 'v2'))).toBe(true)

    const sandbox = join(work, 'sandbox-1')
    mkdirSync(sandbox)
    expect(store.link(sandbox, [vol('v1')])).toEqual(['data'])
    expect(lstatSync(join(sandbox, 'data')).isSymbolicLink()).toBe(true)
    writeFileSync(join(sandbox, 'data', 'f'), 'kept')
    // a later task's sandbox sees the same data
    const sandbox2 = join(work, 'sandbox-2')
    mkdirSync(sandbox2)
    store.link(sandbox2, [vol('v1')])
    expect(readFileSync(join(sandbox2, 'data', 'f'), 'utf8')).toBe('kept')

    expect(store.apply([reserved, vol('v2', 'eng/backend')])).toEqual({ created: [], removed: ['v1'] })
    expect(existsSync(join(work, 'volumes', 'roles', 'kafka', 'v1'))).toBe(false)
  })
})
