/** Sandbox GC on a real agent: a finished executor's sandbox goes after --gc-delay; broker data (<work dir>/data) and a persistent volume linked into it stay; the age limit shrinks as the disk fills (Mesos's rule). */
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { until } from '../../test/harness.js'
import { startOneAgent } from '../../test/support/one-agent.js'
import { parseResources, type Resource } from '../proto/index.js'
import { maxSandboxAgeMs } from './containerizer/sandbox-gc.js'

const dyn = { type: 'DYNAMIC' as const, role: 'kafka', principal: 'kp' }
const disk: Resource = { name: 'disk', type: 'SCALAR', scalar: { value: 100 }, reservations: [dyn] }
const volume: Resource = {
  ...disk,
  disk: { persistence: { id: 'gc-vol', principal: 'kp' }, volume: { container_path: 'data', mode: 'RW' } },
}

describe('sandbox GC', { timeout: 60_000 }, () => {
  test('removes a finished sandbox after the GC delay, never the data dir or a volume; a running one stays', async () => {
    const c = await startOneAgent({
      agent: {
        resources: parseResources('cpus:2;mem:1024;disk:1000'),
        gcDelayMs: 1500,
        diskWatchIntervalMs: 200,
        gcDiskHeadroom: 0,
      },
      framework: {
        name: 'gc-test',
        role: 'kafka',
        principal: 'kp',
        capabilities: [{ type: 'RESERVATION_REFINEMENT' }],
      },
      prefix: 'km-gc-',
    })
    try {
      const { fw, workDir, agent } = c
      const offer = await fw.nextOffer(20_000)
      const small = parseResources('cpus:0.1;mem:32')
      const res = (r: Resource[]) => r.map((x) => ({ ...x, reservations: [dyn] }))
      await fw.client.call({
        type: 'ACCEPT',
        accept: {
          offer_ids: [offer.id],
          operations: [
            { type: 'RESERVE', reserve: { resources: [...res(small), disk] } },
            { type: 'CREATE', create: { volumes: [volume] } },
            {
              type: 'LAUNCH',
              launch: {
                task_infos: [
                  {
                    name: 'writer',
                    task_id: { value: 'writer' },
                    agent_id: offer.agent_id,
                    resources: [...res(small), volume],
                    // a broker's data: in the volume and in the agent's data dir (KM_DATA_DIR)
                    command: {
                      value:
                        'echo kept > data/v.txt && mkdir -p "$KM_DATA_DIR/b1" && echo kept > "$KM_DATA_DIR/b1/d.txt"',
                    },
                  },
                  {
                    name: 'runner',
                    task_id: { value: 'runner' },
                    agent_id: offer.agent_id,
                    resources: parseResources('cpus:0.1;mem:32'),
                    command: { value: 'sleep 30' },
                  },
                ],
              },
            },
          ],
          filters: { refuse_seconds: 0 },
        },
      })
      const done = await fw.waitState('writer', ['TASK_FINISHED', 'TASK_FAILED', 'TASK_ERROR'], 20_000)
      expect(done.state, done.message).toBe('TASK_FINISHED')
      await fw.waitState('runner', 'TASK_RUNNING', 20_000)
      const sandboxOf = (exec: string) => {
        const runs = join(
          workDir,
          'slaves',
          offer.agent_id.value,
          'frameworks',
          fw.frameworkId!,
          'executors',
          exec,
          'runs',
        )
        return join(runs, readdirSync(runs)[0] ?? '')
      }
      const writerSandbox = sandboxOf('writer')
      const runnerSandbox = sandboxOf('runner')
      expect(lstatSync(join(writerSandbox, 'data')).isSymbolicLink()).toBe(true)
      expect(existsSync(writerSandbox)).toBe(true) // kept until the delay has passed
      await until('the finished sandbox is removed', 10_000, async () => (existsSync(writerSandbox) ? undefined : true))
      expect(agent.agent.gcPending()).not.toContain(writerSandbox)
      const volumeDir = join(workDir, 'volumes', 'roles', 'kafka', 'gc-vol')
      expect(readFileSync(join(volumeDir, 'v.txt'), 'utf8')).toBe('kept\n')
      expect(readFileSync(join(workDir, 'data', 'b1', 'd.txt'), 'utf8')).toBe('kept\n')
      expect(existsSync(join(runnerSandbox, 'stdout'))).toBe(true) // a running executor's sandbox stays
    } finally {
      await c.close()
    }
  })

  test('the age limit is gc_delay × max(0, 1 − headroom − usage): fuller disks collect sooner, at 1 − headroom at once', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (delay, headroom, u1, u2) => {
          const [lo, hi] = u1 <= u2 ? [u1, u2] : [u2, u1]
          const a = maxSandboxAgeMs(delay, headroom, lo)
          const b = maxSandboxAgeMs(delay, headroom, hi)
          return b <= a && a <= delay && b >= 0 && maxSandboxAgeMs(delay, headroom, 1 - headroom) < 1
        },
      ),
    )
  })
})
