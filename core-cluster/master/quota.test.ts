/** Role quotas' tests: UPDATE_QUOTA's input, its checks without force, and recovery from the registry. */
import { pino } from 'pino'
import { describe, expect, test } from 'vitest'
import { Master } from './master.js'
import { parseQuotaConfigs } from './quota.js'

describe('quota', () => {
  test('UPDATE_QUOTA input: guarantees above limits, role *, unknown resources are 400s', () => {
    expect(() =>
      parseQuotaConfigs([{ role: 'a', guarantees: { cpus: { value: 3 } }, limits: { cpus: { value: 2 } } }]),
    ).toThrow(/exceeds its limit/)
    expect(() => parseQuotaConfigs([{ role: '*', limits: { cpus: { value: 2 } } }])).toThrow(/'\*'/)
    expect(() => parseQuotaConfigs([{ role: 'a', limits: { gpus: { value: 2 } } }])).toThrow(/only cpus and mem/)
    expect(parseQuotaConfigs([{ role: 'a/b', limits: { mem: { value: '512' } } }]).get('a/b')).toEqual({
      guarantees: {},
      limits: { mem: 512 },
    })
  })

  test('UPDATE_QUOTA without force refuses guarantees beyond the cluster; force sets them; empty config removes', () => {
    const m = new Master({ host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) })
    try {
      expect(() =>
        m.updateQuota(parseQuotaConfigs([{ role: 'a', guarantees: { cpus: { value: 1 } } }]), false),
      ).toThrow(/more than the cluster's 0/)
      m.updateQuota(parseQuotaConfigs([{ role: 'a', guarantees: { cpus: { value: 1 } } }]), true)
      expect(m.getQuota()).toEqual([{ role: 'a', guarantees: { cpus: { value: 1 } }, limits: {} }])
      m.updateQuota(parseQuotaConfigs([{ role: 'a' }]), false)
      expect(m.getQuota()).toEqual([])
      // what the HA registry stores comes back after an election
      m.recoverQuotas([{ role: 'b', limits: { mem: { value: 512 } } }, { role: '*' }])
      expect(m.getQuota()).toEqual([{ role: 'b', guarantees: {}, limits: { mem: { value: 512 } } }])
    } finally {
      m.stop()
    }
  })
})
