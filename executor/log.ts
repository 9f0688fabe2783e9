/** The executor's structured logger: pino JSON lines on stderr, which the agent keeps as `<sandbox>/stderr`. */

import { pino } from 'pino'

/** The executor's structured logger (pino, JSON lines on stderr, which the agent writes to `<sandbox>/stderr`). */
export interface ExecutorLogger {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

/**
 * Creates the executor logger: pino to fd 2, synchronous so that lines written right before
 * `process.exit` are not lost. Level from `KM_LOG_LEVEL` (default `info`).
 */
export function createExecutorLogger(bindings: Record<string, unknown> = {}): ExecutorLogger {
  return pino(
    {
      name: 'kafka-mesos-executor',
      level: process.env.KM_LOG_LEVEL ?? 'info',
      base: { pid: process.pid, ...bindings },
    },
    pino.destination({ fd: 2, sync: true }),
  )
}

/** A logger that drops everything (tests). */
export const silentLogger: ExecutorLogger = { debug() {}, info() {}, warn() {}, error() {} }
