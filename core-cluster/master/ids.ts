/** The master's identity: its id, the Mesos version it reports, and framework, agent and offer ids as Mesos forms them. */

import { randomUUID } from 'node:crypto'

/** The Mesos version this master reports (MasterInfo, `/master/state`, GET_VERSION): Mesos's last release. */
export const MESOS_VERSION = '1.11.0'

/**
 * Id minting as Mesos: master id is a random UUID; frameworks `<masterId>-<4-digit counter>`,
 * agents `<masterId>-S<n>`, offers `<masterId>-O<n>` (Mesos `src/master/master.cpp`
 * `newFrameworkId`, `newSlaveId`, `newOfferId`). Ids are opaque to clients.
 */
export class IdMinter {
  readonly masterId = randomUUID()
  private frameworks = 0
  private agents = 0
  private offers = 0

  framework(): string {
    return `${this.masterId}-${String(this.frameworks++).padStart(4, '0')}`
  }

  agent(): string {
    return `${this.masterId}-S${this.agents++}`
  }

  offer(): string {
    return `${this.masterId}-O${this.offers++}`
  }
}

/** IPv4 dotted quad to the uint32 of MasterInfo.ip (network byte order read as big-endian). */
export function ipv4ToUint32(ip: string): number {
  const parts = ip.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return 0
  return (((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]) >>> 0
}
