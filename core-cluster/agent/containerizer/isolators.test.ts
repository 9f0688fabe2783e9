/** The isolators against containers: cgroup limits follow the tasks, a kernel OOM kill or an outgrown limit becomes the container's limitation, volumes appear in task sandboxes. */
import { existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, describe, expect, test } from 'vitest'
import type { Resource, TaskInfo } from '../../proto/index.js'
import { Cgroups2 } from './cgroups.js'
import { BUILTIN_EXECUTOR_ALLOWANCE_MB, CgroupsMemoryIsolator, cgroupLimitBytes } from './cgroups-isolator.js'
import { type Container, type ContainerResources, cpusLimit, memLimitMb, taskSandbox } from './container.js'
import { MemorySupervisor } from './memory-supervisor.js'
import { VolumeIsolator } from './volume-isolator.js'
import { AgentResources } from './volumes.js'

const log = pino({ level: 'silent' })
const MB = 1024 * 1024
const scalar = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value } })

function container(resources: ContainerResources, more: Partial<Container> = {}): Container {
  return {
    id: 'c-1',
    executorId: 'ex-1',
    sandbox: '/nonexistent/sandbox',
    builtin: false,
    perTaskSandboxes: false,
    resources: () => resources,
    ...more,
  }
}

const dirs: string[] = []
const tempDir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('container limits', () => {
  test('mem and cpus are the executor’s plus each live task’s; a default executor gives each task a sandbox', () => {
    const c = container({
      executor: [scalar('cpus', 0.1), scalar('mem', 32)],
      tasks: [
        [scalar('cpus', 0.5), scalar('mem', 256)],
        [scalar('cpus', 0.25), scalar('mem', 128)],
      ],
    })
    expect(memLimitMb(c)).toBe(416)
    expect(cpusLimit(c)).toBe(0.85)
    expect(taskSandbox(c, 't1')).toBe('/nonexistent/sandbox')
    expect(taskSandbox({ ...c, perTaskSandboxes: true }, 't1')).toBe('/nonexistent/sandbox/tasks/t1')
  })

  test('a built-in executor’s cgroup gets an allowance on top of its tasks’ mem', () => {
    const r = { executor: [], tasks: [[scalar('mem', 100)]] }
    expect(cgroupLimitBytes(container(r))).toBe(100 * MB)
    expect(cgroupLimitBytes(container(r, { builtin: true }))).toBe((100 + BUILTIN_EXECUTOR_ALLOWANCE_MB) * MB)
  })
})

describe('cgroups/mem isolator (fake cgroup v2 hierarchy)', () => {
  const cgroups = () => {
    const root = tempDir('km-cgroup-iso-')
    writeFileSync(join(root, 'cgroup.controllers'), 'cpu memory')
    writeFileSync(join(root, 'cgroup.subtree_control'), '')
    return Cgroups2.detect(root)!
  }

  /** A container of one 64 MB task, launched (pid 4242) and isolated in its cgroup `dir`. */
  const isolated = (tasks: Resource[][] = [[scalar('mem', 64)]]) => {
    const cg = cgroups()
    const iso = new CgroupsMemoryIsolator(cg, log)
    const c = container({ executor: [], tasks }, { process: { pid: 4242, exited: new Promise(() => {}) } })
    iso.isolate(c)
    return { cg, iso, c, dir: join(cg.base, 'c-1') }
  }

  test('the executor joins a cgroup of its own whose limit follows the tasks added', () => {
    const tasks: Resource[][] = [[scalar('mem', 64)]]
    const { iso, c, dir } = isolated(tasks)
    expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8')).toBe('4242')
    expect(readFileSync(join(dir, 'memory.max'), 'utf8')).toBe(String(64 * MB))
    tasks.push([scalar('mem', 32)])
    iso.update(c)
    expect(readFileSync(join(dir, 'memory.max'), 'utf8')).toBe(String(96 * MB))
  })

  test('no cgroup for a container without a mem limit', () => {
    expect(existsSync(isolated([]).dir)).toBe(false)
  })

  test('a kernel OOM kill in the cgroup is the container’s limitation, with the peak use', () => {
    const { iso, c, dir } = isolated()
    writeFileSync(join(dir, 'memory.events'), 'oom 1\noom_kill 1\n')
    writeFileSync(join(dir, 'memory.peak'), String(70 * MB))
    iso.cleanup(c)
    expect(c.limitation).toEqual({ limitMb: 64, usedMb: 70, by: 'cgroup' })
  })

  test('an exit without an OOM kill is no limitation', () => {
    const { iso, c, dir } = isolated()
    writeFileSync(join(dir, 'memory.events'), 'oom 0\noom_kill 0\n')
    iso.cleanup(c)
    expect(c.limitation).toBeUndefined()
  })
})

describe('posix/mem supervisor', () => {
  const tree = (rss: number, rootRss: number) => ({
    pids: [2 ** 22 + 11],
    cpusUserTimeSecs: 0,
    cpusSystemTimeSecs: 0,
    memRssBytes: rss,
    memRssBytesWithoutRoot: rss - rootRss,
  })

  test('a tree over its limit is the container’s limitation (counted once)', () => {
    const c = container({ executor: [], tasks: [[scalar('mem', 100)]] })
    const iso = new MemorySupervisor(log)
    iso.usage(c, tree(100 * MB, 0))
    expect(c.limitation).toBeUndefined()
    iso.usage(c, tree(150 * MB + 1, 0))
    expect(c.limitation).toEqual({ limitMb: 100, usedMb: 151, by: 'supervisor' })
    iso.usage(c, tree(300 * MB, 0))
    expect(c.limitation?.usedMb).toBe(151)
  })

  test('a built-in executor’s own process is not counted; no limit means no limitation', () => {
    const builtin = container({ executor: [], tasks: [[scalar('mem', 100)]] }, { builtin: true })
    new MemorySupervisor(log).usage(builtin, tree(140 * MB, 60 * MB))
    expect(builtin.limitation).toBeUndefined()
    const unlimited = container({ executor: [], tasks: [] })
    new MemorySupervisor(log).usage(unlimited, tree(10_000 * MB, 0))
    expect(unlimited.limitation).toBeUndefined()
  })
})

describe('filesystem/posix volume isolator', () => {
  test('a task’s persistent volume is linked into its task sandbox at launch and when the task is added', () => {
    const work = tempDir('km-volume-iso-')
    const volume = (id: string): Resource => ({
      name: 'disk',
      type: 'SCALAR',
      scalar: { value: 10 },
      reservations: [{ type: 'DYNAMIC', role: 'kafka' }],
      disk: { persistence: { id }, volume: { container_path: `data-${id}`, mode: 'RW' } },
    })
    const task = (id: string, resources: Resource[]): TaskInfo => ({
      name: id,
      task_id: { value: id },
      agent_id: { value: 'a' },
      resources,
    })
    const store = new AgentResources(work)
    const iso = new VolumeIsolator(store, log)
    const c = container({ executor: [], tasks: [] }, { sandbox: join(work, 'sandbox'), perTaskSandboxes: true })
    iso.prepare(c, [task('t1', [volume('v1')])])
    expect(lstatSync(join(work, 'sandbox', 'tasks', 't1', 'data-v1')).isSymbolicLink()).toBe(true)
    iso.update(c, [task('t2', [volume('v2')]), task('t3', [scalar('mem', 1)])])
    expect(lstatSync(join(work, 'sandbox', 'tasks', 't2', 'data-v2')).isSymbolicLink()).toBe(true)
    expect(existsSync(join(work, 'sandbox', 'tasks', 't3'))).toBe(false)
  })
})
