/** A broker's bind address (`--bind-address`): its forms, parsed by the scheduler and resolved by the executor. */

/**
 * As mesos/kafka's `--bind-address` (`Util.BindAddress` in `src/scala/ly/stealth/mesos/kafka/Util.scala`):
 * parsed and checked by the scheduler, resolved by the executor on the agent, where the addresses
 * are. Forms:
 * - `host`: a host name or an IP literal, used as given (`0.0.0.0` / `::` listen on every
 *   address; the agent's address is then advertised);
 * - `prefix*`: the first address starting with `prefix`, trying the agent's own address from the
 *   offer first (agents may share a machine, as the local cluster's 127.0.1.x agents do), then each
 *   local interface address (IPv4 first), as mesos/kafka's `Util.BindAddress`;
 * - `if:<nic>`: the first IPv4 address of interface `<nic>` (else its first IPv6 address).
 */

import { KmError } from '../errors/index.js'
import { ValueError } from './value-error.js'

/** A parsed bind address. */
export type BindAddress =
  | { kind: 'host'; host: string }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'if'; nic: string }

/** One address of a network interface, as `os.networkInterfaces()` lists it. */
export interface InterfaceAddress {
  address: string
  family: 'IPv4' | 'IPv6' | string | number
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const IPV6 = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*$/
const PREFIX = /^[0-9A-Za-z.:-]+$/
/** Linux interface names: up to 15 characters (IFNAMSIZ 16 with the NUL), no `/`, `:` or whitespace. */
const NIC = /^[A-Za-z0-9_.@-]{1,15}$/

/**
 * Parses a bind address.
 * @throws ValueError `<field>: ...` naming the accepted forms
 */
export function parseBindAddress(s: string, field = 'bindAddress'): BindAddress {
  const t = s.trim()
  const forms =
    'expected a host name or IP such as 192.168.50.4, a prefix such as 192.168.50.*, or if:<interface> such as if:eth1'
  if (t.startsWith('if:')) {
    const nic = t.slice(3)
    if (!NIC.test(nic)) throw new ValueError(field, `invalid interface name "${nic}" in "${s}": ${forms}`)
    return { kind: 'if', nic }
  }
  if (t.endsWith('*')) {
    const prefix = t.slice(0, -1)
    if (!PREFIX.test(prefix))
      throw new ValueError(field, `invalid prefix "${s}": the * goes last, after the start of an address; ${forms}`)
    return { kind: 'prefix', prefix }
  }
  if (IPV4.test(t) || HOSTNAME.test(t) || (IPV6.test(t) && t.split(':').length <= 9)) return { kind: 'host', host: t }
  throw new ValueError(field, `invalid bind address "${s}": ${forms}`)
}

/** The text form of a parsed bind address; `parseBindAddress(formatBindAddress(b))` equals `b`. */
export function formatBindAddress(b: BindAddress): string {
  return b.kind === 'host' ? b.host : b.kind === 'prefix' ? `${b.prefix}*` : `if:${b.nic}`
}

/** Raised on the agent when a bind address matches no local address. */
export class BindAddressError extends KmError {
  constructor(message: string) {
    super('KM_ERR_BIND_ADDRESS', message)
  }
}

const isV4 = (a: InterfaceAddress) => a.family === 'IPv4' || a.family === 4

/**
 * Resolves a bind address on the agent. Pure: the agent's address and the interfaces are given.
 * @param agentHost the agent's address or host name from the offer
 * @param interfaces `os.networkInterfaces()`
 * @returns the address Kafka listens on
 * @throws BindAddressError when a prefix or interface matches nothing (the message lists what there is)
 */
export function resolveBindAddress(
  b: BindAddress,
  agentHost: string,
  interfaces: Readonly<Record<string, readonly InterfaceAddress[] | undefined>>,
): string {
  if (b.kind === 'host') return b.host
  const nics = Object.entries(interfaces).filter((e): e is [string, readonly InterfaceAddress[]] => !!e[1])
  if (b.kind === 'if') {
    const addrs = nics.find(([name]) => name === b.nic)?.[1]
    if (!addrs || addrs.length === 0)
      throw new BindAddressError(
        `bindAddress: no interface ${b.nic} with an address on ${agentHost} (interfaces: ${nics.map(([n]) => n).join(', ') || 'none'})`,
      )
    return (addrs.find(isV4) ?? addrs[0]).address
  }
  const all = nics.flatMap(([, a]) => a)
  const candidates = [
    agentHost,
    ...all.filter(isV4).map((a) => a.address),
    ...all.filter((a) => !isV4(a)).map((a) => a.address),
  ]
  const hit = candidates.find((a) => a.startsWith(b.prefix))
  if (hit === undefined)
    throw new BindAddressError(
      `bindAddress: no address of ${agentHost} starts with ${b.prefix} (addresses: ${[...new Set(candidates)].join(', ')})`,
    )
  return hit
}

/** True for the wildcard addresses that listen everywhere and can't be advertised. */
export function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '[::]'
}
