/** What the benchmarks read of running processes from /proc: resident memory, CPU time, working directory, command line. */

import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

/** One process as /proc shows it (proc(5)): rss in MB, cpu = user + system time in s. */
export interface ProcInfo {
  pid: number
  rssMb: number
  cpuSecs: number
  cwd: string
  args: string
}

const TICKS = 100 // USER_HZ on Linux (proc(5), /proc/[pid]/stat fields 14-15)

/** The process `pid`, or undefined once it is gone. */
export function procInfo(pid: number): ProcInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const cpuSecs = (Number(fields[11]) + Number(fields[12])) / TICKS
    let cwd = ''
    try {
      cwd = readlinkSync(`/proc/${pid}/cwd`)
    } catch {
      // another user's process
    }
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()
    return { pid, rssMb: rssKb / 1024, cpuSecs, cwd, args }
  } catch {
    return undefined
  }
}

/** Every process whose command line or working directory matches `pick`. */
export function processes(pick: (p: ProcInfo) => boolean): ProcInfo[] {
  const out: ProcInfo[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const p = procInfo(Number(name))
    if (p && pick(p)) out.push(p)
  }
  return out
}

/** Mean of a list, 0 when empty. */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length
}
