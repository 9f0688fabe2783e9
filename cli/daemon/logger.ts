/** The daemons' pino logger and their SIGINT/SIGTERM shutdown. */
import { type Logger, pino } from 'pino'

/**
 * The daemons' logger: pino JSON lines on stdout, level from `--log-level` or env `KM_LOG_LEVEL`
 * (default `info`), each line tagged with the daemon's name.
 */
export function daemonLogger(name: string, level?: string): Logger {
  return pino({ name, level: level ?? process.env.KM_LOG_LEVEL ?? 'info', base: { pid: process.pid } })
}

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits 0; a second signal exits at once with 130.
 */
export function onShutdown(log: Logger, stop: () => Promise<void>): void {
  let stopping = false
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130)
    stopping = true
    log.info({ signal }, 'shutting down')
    stop().then(
      () => process.exit(0),
      (e: Error) => {
        log.error({ err: e.message }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', handler)
  process.on('SIGTERM', handler)
}
