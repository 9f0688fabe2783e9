/** `apps://host:port/<app>`: finding the scheduler's REST API through the meta-framework that runs it (core-cluster/apps, a Marathon-like /v2 API). */

import { SchedulerApiError } from './scheduler-api-error.js'

/**
 * Finds the scheduler through the meta-framework's task list (issue 8): `apps://host:port/<app>` →
 * `GET http://host:port/v2/apps/<app>/tasks` → the first TASK_RUNNING task's `http://host:port0`.
 * @throws SchedulerApiError (KM_ERR_UNREACHABLE) when the meta-framework cannot be asked or runs no such task
 */
export async function schedulerFromApps(api: string): Promise<string> {
  const url = new URL(api.replace(/^apps:/, 'http:'))
  const app = url.pathname.replace(/\/+$/, '') || '/kafka'
  const where = `http://${url.host}/v2/apps${app}/tasks`
  let tasks: Array<{ state?: string; host?: string; ports?: number[] }>
  try {
    const res = await fetch(where)
    if (!res.ok) throw new Error(`HTTP ${res.status}`)
    tasks = ((await res.json()) as { tasks?: typeof tasks }).tasks ?? []
  } catch (e) {
    throw new SchedulerApiError(
      'KM_ERR_UNREACHABLE',
      `cannot ask the meta-framework at ${where}: ${(e as Error).message}`,
    )
  }
  const running = tasks.find((t) => t.state === 'TASK_RUNNING' && t.host && t.ports && t.ports.length > 0)
  if (!running)
    throw new SchedulerApiError(
      'KM_ERR_UNREACHABLE',
      `the meta-framework at ${url.host} runs no task of app ${app} right now; retry in a moment`,
    )
  return `http://${running.host}:${running.ports![0]}`
}
