/** Role quotas as the operator API writes them: parsing UPDATE_QUOTA's configs and GET_QUOTA's JSON shape. */

import { type RoleQuota, validateRoleName } from './allocator/index.js'
import { CallError } from './errors.js'

const NAMES = ['cpus', 'mem'] as const

function scalars(value: unknown, where: string): { cpus?: number; mem?: number } {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' || Array.isArray(value))
    throw new CallError(
      400,
      `Failed to validate master::Call: '${where}' must be an object such as {"cpus": {"value": 2}}`,
    )
  const out: { cpus?: number; mem?: number } = {}
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!(NAMES as readonly string[]).includes(name))
      throw new CallError(
        400,
        `Failed to validate master::Call: '${where}.${name}': only cpus and mem quotas are supported`,
      )
    const raw = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>).value : v
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
      throw new CallError(
        400,
        `Failed to validate master::Call: '${where}.${name}' must be {"value": <number of at least 0>}, got ${JSON.stringify(v)}`,
      )
    out[name as 'cpus' | 'mem'] = n
  }
  return out
}

/**
 * Parses UPDATE_QUOTA's `quota_configs` (`[{role, guarantees: {cpus: {value}}, limits: {...}}]`).
 * Each role must be a valid role other than `*`, once; guarantees may not exceed limits.
 * @throws CallError 400 naming the bad entry
 */
export function parseQuotaConfigs(configs: unknown): Map<string, RoleQuota> {
  if (!Array.isArray(configs))
    throw new CallError(400, "Failed to validate master::Call: 'update_quota.quota_configs' must be an array")
  const out = new Map<string, RoleQuota>()
  configs.forEach((c, i) => {
    if (!c || typeof c !== 'object' || Array.isArray(c))
      throw new CallError(400, `Failed to validate master::Call: 'quota_configs[${i}]' must be an object`)
    const { role, guarantees, limits } = c as Record<string, unknown>
    if (typeof role !== 'string')
      throw new CallError(400, `Failed to validate master::Call: 'quota_configs[${i}].role' must be a string`)
    if (role === '*') throw new CallError(400, "Failed to validate master::Call: quota cannot be set for role '*'")
    const problem = validateRoleName(role)
    if (problem) throw new CallError(400, `Failed to validate master::Call: ${problem}`)
    if (out.has(role))
      throw new CallError(400, `Failed to validate master::Call: role '${role}' appears twice in 'quota_configs'`)
    const q: RoleQuota = {
      guarantees: scalars(guarantees, `quota_configs[${i}].guarantees`),
      limits: scalars(limits, `quota_configs[${i}].limits`),
    }
    for (const n of NAMES) {
      const g = q.guarantees[n]
      const l = q.limits[n]
      if (g !== undefined && l !== undefined && g > l)
        throw new CallError(
          400,
          `Failed to validate master::Call: role '${role}': guarantee ${n} ${g} exceeds its limit ${l}`,
        )
    }
    out.set(role, q)
  })
  return out
}

/** A quota in the operator API's JSON shape (`guarantees`/`limits` as `{name: {value}}`). */
export function quotaJson(role: string, q: RoleQuota) {
  const m = (x: { cpus?: number; mem?: number }) =>
    Object.fromEntries(NAMES.filter((n) => x[n] !== undefined).map((n) => [n, { value: x[n] }]))
  return { role, guarantees: m(q.guarantees), limits: m(q.limits) }
}
