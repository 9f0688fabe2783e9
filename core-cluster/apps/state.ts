/** The meta-framework's state file: its apps, their tasks and launch back-off in one JSON document, read at start and saved atomically after each change. */
import { readFile } from 'node:fs/promises'
import type { Logger } from 'pino'
import writeFileAtomic from 'write-file-atomic'
import { z } from 'zod'
import { KmError } from '../../errors/index.js'
import type { App } from './app.js'
import { type AppTask, AppTaskSchema } from './task.js'

const StateSchema = z.object({
  kind: z.literal('kafka-mesos-apps'),
  version: z.literal(1),
  frameworkId: z.string().optional(),
  apps: z.array(z.unknown()),
  tasks: z.array(AppTaskSchema),
  /** per app: consecutive failures and when the last one happened (epoch ms) */
  backoff: z.record(z.string(), z.object({ failures: z.number(), last: z.number() })),
})

/** Raised when the stored state cannot be used; it is never overwritten. Code `KM_ERR_APPS_STATE`. */
export class AppsStateError extends KmError {
  constructor(message: string) {
    super('KM_ERR_APPS_STATE', message)
  }
}

/** An app's launch back-off: its consecutive failures, and when the last one happened (epoch ms). */
export interface Backoff {
  failures: number
  last: number
}

/** What the state file holds, as read: the apps still as stored (the caller validates them). */
export interface StoredState {
  frameworkId?: string
  apps: unknown[]
  tasks: AppTask[]
  backoff: Record<string, Backoff>
}

/**
 * The state file at `path`: `{"kind": "kafka-mesos-apps", "version": 1, frameworkId, apps, tasks,
 * backoff}`. A file that is not one is refused and never overwritten.
 */
export class AppsStateFile {
  private saving: Promise<void> = Promise.resolve()

  constructor(
    private readonly path: string,
    private readonly log: Logger,
  ) {}

  /**
   * Reads the state. @returns undefined when there is no file yet
   * @throws AppsStateError when it cannot be read, or is not a kafka-mesos apps state file
   */
  async load(): Promise<StoredState | undefined> {
    let text: string
    try {
      text = await readFile(this.path, 'utf8')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new AppsStateError(`cannot read ${this.path}: ${(e as Error).message}`)
    }
    try {
      return StateSchema.parse(JSON.parse(text))
    } catch (e) {
      throw new AppsStateError(
        `${this.path} is not a kafka-mesos apps state file (${(e as Error).message.slice(0, 200)}); it was left untouched`,
      )
    }
  }

  /**
   * Saves apps, tasks (without their health) and back-off as they are now, atomically (temp file,
   * fsync, rename); saves are serialized. A failed save is logged, not thrown.
   */
  save(state: {
    frameworkId?: string
    apps: Iterable<App>
    tasks: Iterable<AppTask>
    backoff: Map<string, Backoff>
  }): Promise<void> {
    const doc = {
      kind: 'kafka-mesos-apps',
      version: 1,
      frameworkId: state.frameworkId,
      apps: [...state.apps],
      tasks: [...state.tasks].map(({ health: _health, ...t }) => t),
      backoff: Object.fromEntries(state.backoff),
    }
    const text = `${JSON.stringify(doc, null, 2)}\n`
    this.saving = this.saving
      .then(() => writeFileAtomic(this.path, text, { fsync: true }))
      .catch((e: Error) => this.log.error({ err: e.message }, 'failed to save apps state'))
    return this.saving
  }
}
