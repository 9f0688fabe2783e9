/** Bind addresses: the accepted forms, the round trip, and resolution on an agent's interfaces. */
import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import {
  BindAddressError,
  formatBindAddress,
  type InterfaceAddress,
  parseBindAddress,
  resolveBindAddress,
} from './bind-address.js'
import { ValueError } from './value-error.js'

const nics: Record<string, InterfaceAddress[]> = {
  lo: [
    { address: '127.0.0.1', family: 'IPv4' },
    { address: '::1', family: 'IPv6' },
  ],
  eth0: [
    { address: 'fe80::1', family: 'IPv6' },
    { address: '10.0.0.5', family: 'IPv4' },
  ],
  eth1: [{ address: '192.168.50.4', family: 'IPv4' }],
}

describe('bind address: the three forms of mesos/kafka', () => {
  test('host, prefix* and if:<nic> parse; anything else is refused naming the field and the forms', () => {
    expect(parseBindAddress('broker0.example.com')).toEqual({ kind: 'host', host: 'broker0.example.com' })
    expect(parseBindAddress(' 10.0.0.5 ')).toEqual({ kind: 'host', host: '10.0.0.5' })
    expect(parseBindAddress('0.0.0.0')).toEqual({ kind: 'host', host: '0.0.0.0' })
    expect(parseBindAddress('192.168.50.*')).toEqual({ kind: 'prefix', prefix: '192.168.50.' })
    expect(parseBindAddress('if:eth1')).toEqual({ kind: 'if', nic: 'eth1' })
    for (const bad of ['', '*', '192.*.1', 'if:', 'if:eth 1', 'if:a/b', 'host name', '-bad.example', 'a..b']) {
      expect(() => parseBindAddress(bad), bad).toThrow(ValueError)
      expect(() => parseBindAddress(bad), bad).toThrow(/^bindAddress: .*(host name or IP|prefix|interface)/)
    }
  })

  test('resolution on the agent: a host is used as given; if:<nic> takes its IPv4 address; a prefix tries the agent address first', () => {
    expect(resolveBindAddress(parseBindAddress('kafka0'), '127.0.1.2', nics)).toBe('kafka0')
    expect(resolveBindAddress(parseBindAddress('if:eth0'), '127.0.1.2', nics)).toBe('10.0.0.5')
    expect(resolveBindAddress(parseBindAddress('if:lo'), '127.0.1.2', nics)).toBe('127.0.0.1')
    expect(resolveBindAddress(parseBindAddress('192.168.50.*'), '127.0.1.2', nics)).toBe('192.168.50.4')
    expect(resolveBindAddress(parseBindAddress('127.0.*'), '127.0.1.2', nics)).toBe('127.0.1.2')
    expect(resolveBindAddress(parseBindAddress('127.0.0.*'), '127.0.1.2', nics)).toBe('127.0.0.1')
    expect(() => resolveBindAddress(parseBindAddress('if:eth9'), 'h', nics)).toThrow(
      /^bindAddress: no interface eth9 .*\(interfaces: lo, eth0, eth1\)/,
    )
    expect(() => resolveBindAddress(parseBindAddress('172.16.*'), 'h', nics)).toThrow(BindAddressError)
  })

  const octet = fc.integer({ min: 0, max: 255 })
  const ipv4 = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'))
  const nicName = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/)
  const interfaces = fc.dictionary(
    nicName,
    fc.array(
      ipv4.map((address): InterfaceAddress => ({ address, family: 'IPv4' })),
      { maxLength: 3 },
    ),
    { maxKeys: 4 },
  )

  test.prop([
    fc.oneof(
      ipv4.map((h) => h),
      ipv4.map((a) => `${a.slice(0, a.lastIndexOf('.') + 1)}*`),
      nicName.map((n) => `if:${n}`),
    ),
  ])('format(parse(s)) gives s back', (s) => {
    expect(formatBindAddress(parseBindAddress(s))).toBe(s)
  })

  test.prop([ipv4, interfaces, fc.nat({ max: 3 })])(
    'a prefix resolves to an address of the agent or its interfaces that starts with it, or fails',
    (agent, ifs, cut) => {
      const all = [agent, ...Object.values(ifs).flatMap((a) => a.map((x) => x.address))]
      const target = all[cut % all.length]
      const prefix = target.slice(0, target.indexOf('.') + 1)
      const got = resolveBindAddress({ kind: 'prefix', prefix }, agent, ifs)
      expect(got.startsWith(prefix)).toBe(true)
      expect(all).toContain(got)
      if (agent.startsWith(prefix)) expect(got).toBe(agent)
    },
  )

  test.prop([ipv4, interfaces, nicName])(
    "if:<nic> resolves to one of that interface's addresses, or fails naming it",
    (agent, ifs, nic) => {
      const addrs = ifs[nic]
      if (addrs && addrs.length > 0)
        expect(addrs.map((a) => a.address)).toContain(resolveBindAddress({ kind: 'if', nic }, agent, ifs))
      else expect(() => resolveBindAddress({ kind: 'if', nic }, agent, ifs)).toThrow(`no interface ${nic}`)
    },
  )
})
