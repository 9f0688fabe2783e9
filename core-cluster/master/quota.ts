/** Role quotas on the master: UPDATE_QUOTA's configs and checks, GET_QUOTA's shape, recovery from the registry. */

/**
 * As Mesos's `src/master/quota_handler.cpp` and `docs/quota.md`: quotas are set all or nothing;
 * without `force` the guarantees must fit the cluster and a limit may not be below what the role
 * uses now. The allocator (./allocator/) honours them.
 */

import type { Logger } from 'pino'
import { type Resource, scalarSum } from '../proto/index.js'
import type { AgentRegistry } from './agents.js'
import { type RoleQuota, validateRoleName } from './allocator/index.js'
import { CallError } from './errors.js'
import { type Frameworks, roleOf } from './frameworks.js'
import type { Offers } from './offers.js'
import { totalOf } from './usage.js'
import { MAX_SCALAR } from './validation.js'

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
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0 || n > MAX_SCALAR)
      throw new CallError(
        400,
        `Failed to validate master::Call: '${where}.${name}' must be {"value": <number from 0 to ${MAX_SCALAR}>}, got ${JSON.stringify(v)}`,
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
export interface QuotaJson {
  role: string
  guarantees: Record<string, { value: number | undefined }>
  limits: Record<string, { value: number | undefined }>
}

/** A quota in the operator API's JSON shape. */
export function quotaJson(role: string, q: RoleQuota): QuotaJson {
  const m = (x: { cpus?: number; mem?: number }) =>
    Object.fromEntries(NAMES.filter((n) => x[n] !== undefined).map((n) => [n, { value: x[n] }]))
  return { role, guarantees: m(q.guarantees), limits: m(q.limits) }
}

/** What the quota handler needs of the rest of the master. */
export interface QuotaDeps {
  agents: Pick<AgentRegistry, 'values'>
  /** what each role's tasks use now (GET_ROLES `allocated`) */
  roles(): ReadonlyArray<{ name: string; allocated: Resource[] }>
  frameworks: Pick<Frameworks, 'values'>
  offers: Pick<Offers, 'recover'>
  log: Logger
  /** Registry hook (HA): called with every quota after UPDATE_QUOTA, to record them durably. */
  onQuotasUpdated?: (quotas: QuotaJson[]) => void | Promise<void>
  scheduleAllocation(): void
}

/** The roles' quotas: GET_QUOTA, UPDATE_QUOTA, and recovery after an election. */
export class QuotaHandler {
  /** role → quota; read by every allocation run */
  private readonly quotas = new Map<string, RoleQuota>()

  constructor(private readonly deps: QuotaDeps) {}

  /** role → quota, for the allocator. */
  get byRole(): ReadonlyMap<string, RoleQuota> {
    return this.quotas
  }

  /** Quotas as the operator API's GET_QUOTA `status.configs`, by role name. */
  get(): QuotaJson[] {
    return [...this.quotas].sort(([a], [b]) => a.localeCompare(b)).map(([role, q]) => quotaJson(role, q))
  }

  /**
   * UPDATE_QUOTA (all or nothing). Without `force`: the sum of all guarantees must fit the cluster's
   * cpus and mem, and a limit may not be below what the role's tasks use now. A config with neither
   * guarantees nor limits removes the role's quota. Outstanding offers of the roles are rescinded.
   * @throws CallError 400 naming the role and resource
   */
  update(configs: ReadonlyMap<string, RoleQuota>, force: boolean): void {
    const next = new Map(this.quotas)
    for (const [role, q] of configs) {
      if (Object.keys(q.guarantees).length === 0 && Object.keys(q.limits).length === 0) next.delete(role)
      else next.set(role, q)
    }
    if (!force) this.check(configs, next)
    this.quotas.clear()
    for (const [role, q] of next) this.quotas.set(role, q)
    for (const fw of this.deps.frameworks.values()) {
      const role = roleOf(fw)
      if ([...configs.keys()].some((r) => role === r || role.startsWith(`${r}/`))) this.deps.offers.recover(fw.id, true)
    }
    this.deps.log.info({ quotas: this.get() }, 'quotas updated')
    void this.deps.onQuotasUpdated?.(this.get())
    this.deps.scheduleAllocation()
  }

  /** Quotas read back from the HA registry after an election (operator JSON shape); bad entries are skipped. */
  recover(configs: unknown[]): void {
    for (const c of configs) {
      try {
        for (const [role, q] of parseQuotaConfigs([c])) this.quotas.set(role, q)
      } catch (e) {
        this.deps.log.warn({ err: (e as Error).message }, 'skipped an unreadable quota from the registry')
      }
    }
    this.deps.log.info({ quotas: this.get() }, 'recovered role quotas from the registry')
  }

  /** The checks UPDATE_QUOTA skips with `force`. @throws CallError 400 naming the role and resource */
  private check(configs: ReadonlyMap<string, RoleQuota>, next: ReadonlyMap<string, RoleQuota>): void {
    const total = totalOf(this.deps.agents.values())
    for (const n of NAMES) {
      const sum = [...next.values()].reduce((s, q) => s + (q.guarantees[n] ?? 0), 0)
      if (sum > total[n] + 1e-9)
        throw new CallError(
          400,
          `Failed to validate master::Call: the quota guarantees for ${n} add up to ${sum}, more than the cluster's ${total[n]}; use 'force' to set them anyway`,
        )
    }
    // what tasks use (outstanding offers do not count: they are rescinded below)
    const used = new Map(this.deps.roles().map((r) => [r.name, r.allocated]))
    for (const [role, q] of configs) {
      for (const n of NAMES) {
        const limit = q.limits[n]
        const now = scalarSum(
          [...used].filter(([name]) => name === role || name.startsWith(`${role}/`)).flatMap(([, r]) => r),
          n,
        )
        if (limit !== undefined && now > limit + 1e-9)
          throw new CallError(
            400,
            `Failed to validate master::Call: role '${role}' already uses ${now} ${n}, more than the limit ${limit}; use 'force' to set it anyway`,
          )
      }
    }
  }
}
