/** A machine-wide lock so that only one test file runs Kafka JVMs at a time. */

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * A machine-wide lock so that only one test file runs Kafka JVMs at a time (vitest runs files in
 * parallel; a 2-core machine cannot start several KRaft nodes per file in time). `mkdir` is atomic;
 * the owner's pid is written inside so that a lock left by a dead process is taken over.
 */
const LOCK_DIR = path.join(os.tmpdir(), 'kafka-mesos-kafka-test.lock')

function ownerAlive(): boolean {
  try {
    const pid = Number(readFileSync(path.join(LOCK_DIR, 'pid'), 'utf8'))
    if (!pid) return false
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Waits for the lock (polling every 250 ms, at most `timeoutMs`), then holds it.
 * @returns a release function
 * @throws Error after `timeoutMs`
 */
export async function acquireKafkaTestLock(timeoutMs = 600_000): Promise<() => void> {
  const t0 = Date.now()
  for (;;) {
    try {
      mkdirSync(LOCK_DIR)
      writeFileSync(path.join(LOCK_DIR, 'pid'), String(process.pid))
      return () => rmSync(LOCK_DIR, { recursive: true, force: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
    }
    // A missing pid file means the owner is between mkdir and write; give it a moment.
    if (!ownerAlive() && Date.now() - t0 > 1000) rmSync(LOCK_DIR, { recursive: true, force: true })
    if (Date.now() - t0 > timeoutMs) throw new Error(`another Kafka test held ${LOCK_DIR} for ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
