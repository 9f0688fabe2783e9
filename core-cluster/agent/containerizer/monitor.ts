/** Process-tree accounting from /proc: which processes belong to a container, their cpu time and resident memory. */
import { readdirSync, readFileSync } from 'node:fs'

// As Mesos's `posix/cpu` and `posix/mem` isolators (`src/slave/containerizer/mesos/isolators/posix.hpp`),
// which sum /proc over a container's processes. Used for `/monitor/statistics`, GET_CONTAINERS and
// the memory supervisor.

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`, 100 on Linux). */
const CLK_TCK = 100
/** Bytes per page of /proc/<pid>/stat rss (4 KiB on x86-64 and arm64 Linux defaults). */
const PAGE_SIZE = 4096

interface ProcStat {
  pid: number
  ppid: number
  pgrp: number
  /** user and system cpu time of the process, s */
  utime: number
  stime: number
  /** user and system cpu time of its waited-for children, s */
  cutime: number
  cstime: number
  rssBytes: number
}

function readStat(pid: number): ProcStat | undefined {
  let text: string
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // fields after the command name (which may hold spaces and parentheses) start at field 3 (state)
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ')
  const n = (i: number) => Number(f[i - 3])
  return {
    pid,
    ppid: n(4),
    pgrp: n(5),
    utime: n(14) / CLK_TCK,
    stime: n(15) / CLK_TCK,
    cutime: n(16) / CLK_TCK,
    cstime: n(17) / CLK_TCK,
    rssBytes: n(24) * PAGE_SIZE,
  }
}

/** Every process on the host (one /proc scan). */
export function allProcesses(): ProcStat[] {
  const out: ProcStat[] = []
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return out
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    const s = readStat(Number(name))
    if (s) out.push(s)
  }
  return out
}

/** Resource usage of one executor's process tree, as Mesos ResourceStatistics (subset). */
export interface TreeUsage {
  /** pids in the tree: the root, its descendants, and whatever is left in the root's process group */
  pids: number[]
  cpusUserTimeSecs: number
  cpusSystemTimeSecs: number
  memRssBytes: number
  /** RSS of the tree without the root process itself (the built-in executors' own Node.js process) */
  memRssBytesWithoutRoot: number
}

/**
 * Usage of the tree under `root` (descendants through ppid, plus members of the process group
 * `root`, which covers orphans re-parented to init). `procs` is one scan from {@link allProcesses},
 * shared between executors.
 */
export function treeUsage(root: number, procs: readonly ProcStat[]): TreeUsage {
  const children = new Map<number, ProcStat[]>()
  const byPid = new Map<number, ProcStat>()
  for (const p of procs) {
    byPid.set(p.pid, p)
    const list = children.get(p.ppid)
    if (list) list.push(p)
    else children.set(p.ppid, [p])
  }
  const seen = new Set<number>()
  const stack: ProcStat[] = []
  const rootStat = byPid.get(root)
  if (rootStat) stack.push(rootStat)
  for (const p of procs) if (p.pgrp === root && p.pid !== root) stack.push(p)
  const usage: TreeUsage = {
    pids: [],
    cpusUserTimeSecs: 0,
    cpusSystemTimeSecs: 0,
    memRssBytes: 0,
    memRssBytesWithoutRoot: 0,
  }
  while (stack.length > 0) {
    const p = stack.pop()!
    if (seen.has(p.pid)) continue
    seen.add(p.pid)
    usage.pids.push(p.pid)
    usage.cpusUserTimeSecs += p.utime + (p.pid === root ? p.cutime : 0)
    usage.cpusSystemTimeSecs += p.stime + (p.pid === root ? p.cstime : 0)
    usage.memRssBytes += p.rssBytes
    if (p.pid !== root) usage.memRssBytesWithoutRoot += p.rssBytes
    for (const c of children.get(p.pid) ?? []) stack.push(c)
  }
  usage.cpusUserTimeSecs = Math.round(usage.cpusUserTimeSecs * 100) / 100
  usage.cpusSystemTimeSecs = Math.round(usage.cpusSystemTimeSecs * 100) / 100
  return usage
}

/** SIGKILL to every process of a tree (root first, so that it cannot report on its children). */
export function killTree(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}
