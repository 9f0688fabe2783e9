/** A local etcd server: the coordination service HA masters elect their leader on, started for one-machine clusters and tests. */

import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { dirname } from 'node:path'

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port
      srv.close(() => resolve(port))
    })
  })
}

/** A running single-member etcd. */
export interface EtcdProcess {
  /** client URL, e.g. `http://127.0.0.1:40123` */
  readonly url: string
  readonly child: ChildProcess
  /** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>
}

/**
 * Starts a single-member etcd (Debian `etcd-server`) on free loopback ports, with a fast Raft
 * heartbeat (50 ms) and election timeout (250 ms) so that leases as short as 1 s work.
 * @param dataDir etcd's data directory (created)
 * @param logFile where etcd's stdout and stderr go (appended; its directory is created)
 * @throws Error when etcd does not answer `/health` within `timeoutMs` (e.g. not installed)
 */
export async function startEtcd(dataDir: string, logFile: string, timeoutMs = 20_000): Promise<EtcdProcess> {
  const [client, peer] = await Promise.all([freePort(), freePort()])
  mkdirSync(dataDir, { recursive: true })
  mkdirSync(dirname(logFile), { recursive: true })
  const log: WriteStream = createWriteStream(logFile, { flags: 'a' })
  const url = `http://127.0.0.1:${client}`
  const peerUrl = `http://127.0.0.1:${peer}`
  const child = spawn(
    'etcd',
    [
      '--name',
      'km',
      '--data-dir',
      dataDir,
      '--listen-client-urls',
      url,
      '--advertise-client-urls',
      url,
      '--listen-peer-urls',
      peerUrl,
      '--initial-advertise-peer-urls',
      peerUrl,
      '--initial-cluster',
      `km=${peerUrl}`,
      '--heartbeat-interval',
      '50',
      '--election-timeout',
      '250',
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stdout!.pipe(log, { end: false })
  child.stderr!.pipe(log, { end: false })
  child.once('error', () => undefined)
  child.once('exit', () => log.end())
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = new Promise<void>((r) => child.once('exit', () => r()))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))])
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  }
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { url, child, stop }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 200))
  }
  await stop()
  throw new Error(`etcd did not start within ${timeoutMs} ms (is etcd-server installed?); see ${logFile}`)
}
