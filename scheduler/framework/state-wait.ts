/** Waiting on the scheduler's state: until a condition holds, re-checked on every state change, or a deadline. */

/** What a wait listens to: a callback on every state change, and its remover. */
export interface StateEvents {
  onChange(listener: () => void): () => void
}

/**
 * Resolves true once `done()` holds, false at `deadline` (epoch ms); re-checks on every scheduler
 * state change and every 100 ms (mesos/kafka's start/stop/restart polling in `BrokerApi.scala`).
 */
export function waitUntil(scheduler: StateEvents, done: () => boolean, deadline: number): Promise<boolean> {
  if (done()) return Promise.resolve(true)
  if (Date.now() >= deadline) return Promise.resolve(false)
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      clearInterval(poll)
      clearTimeout(timer)
      off()
      resolve(ok)
    }
    const check = () => done() && finish(true)
    const off = scheduler.onChange(check)
    const poll = setInterval(check, 100)
    const timer = setTimeout(() => finish(done()), deadline - Date.now())
  })
}
