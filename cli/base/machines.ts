/** Machine lists of the maintenance commands: parsing `host-a,10.0.0.2` and printing a machine. */

import type { MachineId } from '../client/index.js'

/** `h1,10.0.0.2` → machine ids: a dotted quad is an `ip`, anything else a `hostname`. */
export function parseMachineList(text: string): MachineId[] {
  const items = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return items.map((s) => (/^\d{1,3}(\.\d{1,3}){3}$/.test(s) ? { ip: s } : { hostname: s }))
}

/** `hostname/ip` as the CLI prints a machine. */
export function machineName(m: MachineId): string {
  return [m.hostname, m.ip].filter(Boolean).join('/')
}
