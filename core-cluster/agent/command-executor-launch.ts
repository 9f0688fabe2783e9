/** The agent's side of its built-in executors: the ExecutorInfo it synthesises for a command task or a task group, and how to start the executor program. */
import { existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ExecutorInfo, TaskInfo } from '../proto/index.js'

// The built-in command executor is ./command-executor.ts, the default executor ./default-executor.ts;
// both are the one program ./command-executor-main.ts.

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

/**
 * The ExecutorInfo of a LAUNCH_GROUP's executor (type DEFAULT), run by the agent's built-in default
 * executor: the scheduler's ExecutorInfo with `node <command executor>` and `KM_DEFAULT_EXECUTOR=1`
 * as its command (argv form, no shell), and a name `Default Executor (<executor id>)` unless it has one.
 */
export function defaultExecutorInfo(
  executor: ExecutorInfo,
  frameworkId: string,
  entry: { file: string; args: string[] },
): ExecutorInfo {
  return {
    ...executor,
    type: 'DEFAULT',
    framework_id: { value: frameworkId },
    name: executor.name ?? `Default Executor (${executor.executor_id.value})`,
    command: {
      shell: false,
      value: entry.file,
      arguments: [entry.file, ...entry.args],
      environment: { variables: [{ name: 'KM_DEFAULT_EXECUTOR', value: '1' }] },
    },
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
