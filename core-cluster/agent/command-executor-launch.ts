import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ExecutorInfo, TaskInfo } from '../proto/index.js'

/**
 * Agent side of the built-in command executor (./command-executor.ts): the ExecutorInfo synthesised
 * for a command task and how to start the executor process.
 */

/** Name of the ExecutorInfo the agent synthesises for a command task (as Mesos). */
export function commandExecutorName(taskId: string): string {
  return `Command Executor (Task: ${taskId})`
}

/**
 * The ExecutorInfo an agent synthesises for a command task: executor id = task id, the task's URIs
 * and environment, and `node <command executor>` as its command (argv form, no shell).
 */
export function commandExecutorInfo(
  task: TaskInfo,
  frameworkId: string,
  entry: { file: string; args: string[] },
): ExecutorInfo {
  const id = task.task_id.value
  return {
    executor_id: { value: id },
    framework_id: { value: frameworkId },
    name: commandExecutorName(id),
    command: {
      uris: task.command?.uris ?? [],
      environment: task.command?.environment,
      shell: false,
      value: entry.file,
      arguments: [entry.file, ...entry.args],
    },
    resources: [],
  }
}

let resolved: Promise<{ file: string; args: string[] }> | undefined

/**
 * How to start the command executor: `node <dir>/command-executor-main.js` next to this module once
 * compiled (`npm run build`); when running from the TypeScript sources (tests), the entry is bundled
 * once per process with esbuild (a dev dependency) into the temp dir. `KM_COMMAND_EXECUTOR` overrides
 * the script path.
 */
export function commandExecutorEntry(): Promise<{ file: string; args: string[] }> {
  resolved ??= (async () => {
    if (process.env.KM_COMMAND_EXECUTOR) return { file: process.execPath, args: [process.env.KM_COMMAND_EXECUTOR] }
    const here = dirname(fileURLToPath(import.meta.url))
    const js = join(here, 'command-executor-main.js')
    if (existsSync(js)) return { file: process.execPath, args: [js] }
    const ts = join(here, 'command-executor-main.ts')
    const out = join(tmpdir(), `km-command-executor-${process.pid}.cjs`)
    const esbuild = await import('esbuild')
    await esbuild.build({
      entryPoints: [ts],
      outfile: out,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      logLevel: 'warning',
    })
    return { file: process.execPath, args: [out] }
  })()
  resolved.catch(() => (resolved = undefined))
  return resolved
}
