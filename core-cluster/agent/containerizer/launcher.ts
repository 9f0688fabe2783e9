/** The launcher: starts an executor as the leader of its own process group, signals and stops the group, finds it again after a restart. */
import { type ChildProcess, spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { CommandInfo } from '../../proto/index.js'

// As Mesos's POSIX launcher (`src/slave/containerizer/mesos/launcher.hpp`): a container is one
// process group, so that signalling the group reaches everything the executor started.

/** One process group started for an executor; stdout/stderr go to `<sandbox>/stdout|stderr`. */
export interface LaunchedProcess {
  /** the child process; absent for an executor found again after an agent restart (not our child) */
  child?: ChildProcess
  pid: number
  /** Resolves with the exit code (or 128+signal) once the leader exits. */
  exited: Promise<number>
}

/**
 * Starts a CommandInfo as the leader of a new process group (so the whole tree can be signalled),
 * in `sandbox`, with `env`. Shell commands run via `/bin/sh -c`, as Mesos (CommandInfo.shell default true).
 * @throws when the process cannot be spawned
 */
export function launchCommand(command: CommandInfo, sandbox: string, env: Record<string, string>): LaunchedProcess {
  const out = openSync(join(sandbox, 'stdout'), 'a')
  const err = openSync(join(sandbox, 'stderr'), 'a')
  const shell = command.shell ?? true
  const file = shell ? '/bin/sh' : (command.value ?? '')
  const args = shell ? ['-c', command.value ?? ''] : (command.arguments?.slice(1) ?? [])
  const child = spawn(file, args, { cwd: sandbox, env, detached: true, stdio: ['ignore', out, err] })
  closeSync(out)
  closeSync(err)
  if (!child.pid) throw new Error(`Failed to start executor command: ${command.value}`)
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? osSignal(signal) : 0)))
    child.once('error', () => resolve(127))
  })
  return { child, pid: child.pid, exited }
}

function osSignal(name: NodeJS.Signals): number {
  return ({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[name] ?? 0
}

/** Signals a whole process group; returns false when it is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal)
    return true
  } catch {
    return false
  }
}

/** True while any process of the group is alive. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Stops a process group: SIGTERM, then SIGKILL after `graceMs` if anything of it is still alive.
 * Resolves once the group is gone (or after the SIGKILL).
 */
export async function stopGroup(pid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pid, 'SIGTERM')) return
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return
    await new Promise((r) => setTimeout(r, 100))
  }
  signalGroup(pid, 'SIGKILL')
  for (let i = 0; i < 50 && groupAlive(pid); i++) await new Promise((r) => setTimeout(r, 100))
}

/** Start time (clock ticks since boot, field 22 of /proc/<pid>/stat) of a process, or undefined. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may contain spaces and parentheses: fields restart after the last ')'
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

/** True when the process `pid` is alive and (when known) is the one started at `start`. */
export function sameProcessAlive(pid: number, start: string | undefined): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return true // no /proc: trust kill(pid, 0)
  }
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  if (fields[0] === 'Z' || fields[0] === 'X') return false // exited, not reaped (its parent, the old agent, is gone)
  return start === undefined || fields[19] === start
}

/**
 * Re-attaches to an executor that outlived an agent restart (not our child, so no exit event): the
 * process when `pid` still runs and started at `start`, else undefined. Its `exited` resolves with
 * -1 (the exit status of a process that is not our child is unknown) once it is gone, polled every 250 ms.
 */
export function recoverProcess(pid: number, start: string | undefined): LaunchedProcess | undefined {
  if (!sameProcessAlive(pid, start)) return undefined
  const exited = new Promise<number>((resolve) => {
    const timer = setInterval(() => {
      if (sameProcessAlive(pid, start)) return
      clearInterval(timer)
      resolve(-1)
    }, 250)
    timer.unref()
  })
  return { pid, exited }
}
