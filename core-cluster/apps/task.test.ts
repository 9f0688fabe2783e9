/** The TaskInfo of an app instance: Marathon's task environment, the command as shell or argv, fetch URIs, kill policy. */
import { describe, expect, test } from 'vitest'
import type { Offer } from '../proto/index.js'
import { AppSchema, appIdOfTask } from './app.js'
import { appTaskInfo } from './task.js'

const offer = { id: { value: 'o1' }, agent_id: { value: 'S1' }, hostname: '127.0.1.2' } as Offer
const env = (t: ReturnType<typeof appTaskInfo>) =>
  Object.fromEntries((t.command?.environment?.variables ?? []).map((v) => [v.name, v.value]))

describe('the TaskInfo of an app instance', () => {
  test("a shell command with Marathon's environment over the app's own, on the offer's agent", () => {
    const app = AppSchema.parse({
      id: '/group/web',
      cmd: 'serve --port $PORT0',
      env: { LEVEL: 'debug', HOST: 'not this' },
      fetch: [{ uri: 'http://x/a.tgz', cache: true }],
    })
    const t = appTaskInfo(app, offer, [], [31005, 31007])
    expect(t).toMatchObject({
      name: 'group/web',
      agent_id: { value: 'S1' },
      command: {
        shell: true,
        value: 'serve --port $PORT0',
        uris: [{ value: 'http://x/a.tgz', extract: true, executable: false, cache: true }],
      },
      kill_policy: undefined,
    })
    expect(appIdOfTask(t.task_id.value)).toBe('/group/web')
    expect(env(t)).toEqual({
      LEVEL: 'debug',
      HOST: '127.0.1.2',
      PORTS: '31005,31007',
      PORT0: '31005',
      PORT1: '31007',
      PORT: '31005',
      MARATHON_APP_ID: '/group/web',
      MESOS_TASK_ID: t.task_id.value,
    })
  })

  test('args run as argv without a shell; no ports means no PORT; the kill grace period in ns; fresh ids', () => {
    const app = AppSchema.parse({
      id: '/a',
      args: ['/bin/sleep', '5'],
      portDefinitions: [],
      taskKillGracePeriodSeconds: 2,
    })
    const t = appTaskInfo(app, offer, [], [])
    expect(t.command).toMatchObject({ shell: false, value: '/bin/sleep', arguments: ['/bin/sleep', '5'] })
    expect(t.kill_policy).toEqual({ grace_period: { nanoseconds: 2e9 } })
    expect(env(t).PORT).toBeUndefined()
    expect(env(t).PORTS).toBe('')
    expect(appTaskInfo(app, offer, [], []).task_id.value).not.toBe(t.task_id.value)
  })
})
