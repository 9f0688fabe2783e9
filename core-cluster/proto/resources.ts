/** Resource arithmetic and text: parsing `--resources`/`--attributes`, reservations, sums, containment. */

import { KmError } from '../../errors/index.js'
import type { Attribute, Labels, Range, ReservationInfo, Resource } from './types.js'

/** Raised for a malformed `--resources` or `--attributes` text; the message names the bad part. */
export class ResourceParseError extends KmError {
  constructor(message: string) {
    super('KM_ERR_RESOURCES', message)
  }
}

function parseRanges(text: string, name: string): Range[] {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '')
  return inner
    .split(',')
    .filter((s) => s.trim() !== '')
    .map((part) => {
      const m = /^\s*(\d+)\s*-\s*(\d+)\s*$/.exec(part)
      if (!m) throw new ResourceParseError(`${name}: bad range "${part}", expected begin-end such as 31000-31999`)
      const begin = Number(m[1])
      const end = Number(m[2])
      if (begin > end) throw new ResourceParseError(`${name}: range ${begin}-${end} ends before it begins`)
      return { begin, end }
    })
}

/**
 * Parses the Mesos agent `--resources` syntax: `name(role):value;...` where value is a scalar
 * (`cpus:2`, `mem:4096` in MB), ranges (`ports:[31000-31999]`) or a set (`{a,b}`).
 * @throws ResourceParseError naming the bad entry
 */
export function parseResources(text: string): Resource[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const m = /^([A-Za-z_][\w.-]*)(?:\(([^)]*)\))?\s*:\s*(.+)$/.exec(entry)
      if (!m) throw new ResourceParseError(`resources: bad entry "${entry}", expected name:value such as cpus:2`)
      const [, name, role, value] = m
      const base: Resource = { name, type: 'SCALAR' }
      if (role && role !== '*') base.reservation = { type: 'STATIC', role }
      if (role) base.role = role
      if (value.startsWith('[')) return { ...base, type: 'RANGES', ranges: { range: parseRanges(value, name) } }
      if (value.startsWith('{')) {
        const items = value
          .replace(/^\{|\}$/g, '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
        return { ...base, type: 'SET', set: { item: items } }
      }
      const n = Number(value)
      if (!Number.isFinite(n) || n < 0)
        throw new ResourceParseError(`resources: ${name} must be a non-negative number, got "${value}"`)
      return { ...base, scalar: { value: n } }
    })
}

/**
 * Parses Mesos agent `--attributes`: `rack:r1;dc:d1`. Numbers become SCALAR, `[a-b]` RANGES,
 * `{a,b}` SET, anything else TEXT (as Mesos).
 * @throws ResourceParseError naming the bad entry
 */
export function parseAttributes(text: string): Attribute[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const i = entry.indexOf(':')
      if (i <= 0) throw new ResourceParseError(`attributes: bad entry "${entry}", expected name:value such as rack:r1`)
      const name = entry.slice(0, i).trim()
      const value = entry.slice(i + 1).trim()
      if (/^-?\d+(\.\d+)?$/.test(value)) return { name, type: 'SCALAR', scalar: { value: Number(value) } }
      if (value.startsWith('[')) return { name, type: 'RANGES', ranges: { range: parseRanges(value, name) } }
      if (value.startsWith('{'))
        return {
          name,
          type: 'SET',
          set: {
            item: value
              .replace(/^\{|\}$/g, '')
              .split(',')
              .map((s) => s.trim()),
          },
        }
      return { name, type: 'TEXT', text: { value } }
    })
}

/** Attribute value as text (for constraints and display): scalars as numbers, text as is. */
export function attributeText(a: Attribute): string {
  if (a.type === 'TEXT') return a.text?.value ?? ''
  if (a.type === 'SCALAR') return String(a.scalar?.value ?? '')
  if (a.type === 'RANGES') return (a.ranges?.range ?? []).map((r) => `${r.begin}-${r.end}`).join(',')
  return (a.set?.item ?? []).join(',')
}

/**
 * The reservation stack of a resource, outermost first, whichever format it came in: the v1
 * refinement format (`reservations`) as is; the pre-refinement format (`role` plus an optional
 * `reservation`) as one entry, STATIC when there is no `reservation`, else DYNAMIC (`include/mesos/v1/mesos.proto` Resource.ReservationInfo).
 * Empty for unreserved (`*`) resources.
 */
export function reservationStack(r: Resource): ReservationInfo[] {
  if (r.reservations && r.reservations.length > 0) return r.reservations
  const role =
    r.role && r.role !== '*'
      ? r.role
      : r.reservation?.role && r.reservation.role !== '*'
        ? r.reservation.role
        : undefined
  if (!role) return []
  const t = r.reservation?.type
  const entry: ReservationInfo = { type: !r.reservation ? 'STATIC' : t === 'STATIC' ? 'STATIC' : 'DYNAMIC', role }
  if (r.reservation?.principal !== undefined) entry.principal = r.reservation.principal
  if (r.reservation?.labels?.labels?.length) entry.labels = r.reservation.labels
  return [entry]
}

/** Role a resource is reserved to (`*` when unreserved): the innermost reservation's role. */
export function resourceRole(r: Resource): string {
  const stack = r.reservations
  if (stack && stack.length > 0) return stack[stack.length - 1].role ?? '*'
  return r.reservation?.role ?? r.role ?? '*'
}

/**
 * The resource in the refinement format the master keeps internally: `reservations` stack only (no
 * `role`, `reservation` or `allocation_info`). A copy, except that an unreserved resource with
 * nothing to convert is returned as is: treat the result as read-only.
 */
export function normalizeResource(r: Resource): Resource {
  // unreserved in either format: nothing to convert (the common case, kept cheap for the allocator)
  if (!r.reservations?.length && (r.role === undefined || r.role === '*') && !r.reservation && !r.allocation_info) {
    if (r.role === undefined && r.reservations === undefined) return r
    const { role: _role, reservations: _stack, ...rest } = r
    return rest
  }
  const stack = reservationStack(r)
  const out: Resource = structuredClone(r)
  delete out.role
  delete out.reservation
  delete out.allocation_info
  if (stack.length > 0) out.reservations = structuredClone(stack)
  else delete out.reservations
  return out
}

/**
 * The resource as a framework without RESERVATION_REFINEMENT sees it (Mesos converts offers to the
 * pre-refinement format for them, `docs/reservation.md`): `role`, plus `reservation` (principal, labels)
 * for a dynamic reservation. Refined stacks (2+ entries) stay in the refinement format.
 */
export function toPreRefinement(r: Resource): Resource {
  if (!r.reservations?.length && !r.reservation && (r.role === undefined || r.role === '*')) return r
  const stack = reservationStack(r)
  const out: Resource = structuredClone(r)
  delete out.reservations
  delete out.reservation
  delete out.role
  if (stack.length === 0) return out
  if (stack.length > 1) return { ...out, reservations: structuredClone(stack) }
  const top = stack[0]
  out.role = top.role
  if (top.type === 'DYNAMIC') {
    out.reservation = {
      type: 'DYNAMIC',
      ...(top.principal !== undefined ? { principal: top.principal } : {}),
      ...(top.labels ? { labels: top.labels } : {}),
    }
  } else out.reservation = { type: 'STATIC', role: top.role }
  return out
}

/** True for a persistent volume: a disk resource with `disk.persistence.id`. */
export function isPersistentVolume(r: Resource): boolean {
  return r.name === 'disk' && !!r.disk?.persistence?.id
}

/** The disk a persistent volume was created on: the same resource without persistence and volume. */
export function withoutVolume(r: Resource): Resource {
  const out = structuredClone(r)
  if (out.disk) {
    delete out.disk.persistence
    delete out.disk.volume
    if (Object.keys(out.disk).length === 0) delete out.disk
  }
  return out
}

/** The resource with its innermost reservation removed (what UNRESERVE gives back), in the refinement format. */
export function popReservation(r: Resource): Resource {
  const n = structuredClone(normalizeResource(r))
  const stack = (n.reservations ?? []).slice(0, -1)
  if (stack.length > 0) n.reservations = stack
  else delete n.reservations
  return n
}

/** Sum of a scalar resource (e.g. `cpus`, `mem` in MB) over a resource list. */
export function scalarSum(resources: readonly Resource[] | undefined, name: string): number {
  let total = 0
  for (const r of resources ?? []) if (r.name === name && r.type === 'SCALAR') total += r.scalar?.value ?? 0
  return Math.round(total * 1000) / 1000
}

/** All ranges of a ranges resource (e.g. `ports`), in order. */
export function rangesOf(resources: readonly Resource[] | undefined, name: string): Range[] {
  const out: Range[] = []
  for (const r of resources ?? []) if (r.name === name && r.type === 'RANGES') out.push(...(r.ranges?.range ?? []))
  return out.sort((a, b) => a.begin - b.begin)
}

function subtractRanges(have: Range[], take: Range[]): Range[] {
  let out = have.map((r) => ({ ...r }))
  for (const t of take) {
    const next: Range[] = []
    for (const r of out) {
      if (t.end < r.begin || t.begin > r.end) {
        next.push(r)
        continue
      }
      if (t.begin > r.begin) next.push({ begin: r.begin, end: t.begin - 1 })
      if (t.end < r.end) next.push({ begin: t.end + 1, end: r.end })
    }
    out = next
  }
  return out
}

function labelsText(l: Labels | undefined): string {
  return (l?.labels ?? []).map((x) => `${x.key}=${x.value ?? ''}`).join(',')
}

/**
 * Identity of a resource for arithmetic, as Mesos's "addable" rule: name, type, the whole
 * reservation stack (type, role, principal, labels), persistent-volume id and path, revocable,
 * shared. Two resources with the same key merge; different keys never do.
 */
export function resourceKey(r: Resource): string {
  let k = `${r.name}|${r.type}`
  const hasRole = (r.reservations && r.reservations.length > 0) || (r.role && r.role !== '*') || r.reservation
  if (hasRole)
    for (const s of reservationStack(r))
      k += `|${s.type ?? ''}:${s.role ?? ''}:${s.principal ?? ''}:${labelsText(s.labels)}`
  if (r.disk?.persistence)
    k += `|vol:${r.disk.persistence.id}:${r.disk.volume?.container_path ?? ''}:${r.disk.volume?.mode ?? ''}`
  if (r.revocable) k += '|revocable'
  if (r.shared) k += '|shared'
  return k
}

const key = resourceKey

/**
 * True when every scalar and range in `want` is available in `have` with the same identity
 * ({@link resourceKey}: reservations and volumes included). A persistent volume is only contained
 * whole (same size), never in part.
 */
export function containsResources(have: readonly Resource[], want: readonly Resource[]): boolean {
  // wanted amounts aggregated by key first, so that two entries of the same key add up
  const need = new Map<string, Resource[]>()
  for (const w of want) {
    const k = key(w)
    const list = need.get(k)
    if (list) list.push(w)
    else need.set(k, [w])
  }
  for (const [k, ws] of need) {
    const pool = have.filter((h) => key(h) === k)
    const w = ws[0]
    if (w.type === 'SCALAR') {
      const avail = pool.reduce((s, h) => s + (h.scalar?.value ?? 0), 0)
      const wanted = ws.reduce((s, x) => s + (x.scalar?.value ?? 0), 0)
      if (wanted > avail + 1e-9) return false
      if (isPersistentVolume(w) && Math.abs(wanted - avail) > 1e-9) return false
    } else if (w.type === 'RANGES') {
      let avail = pool.flatMap((h) => h.ranges?.range ?? [])
      for (const x of ws) {
        for (const r of x.ranges?.range ?? []) {
          if (!avail.some((a) => a.begin <= r.begin && r.end <= a.end)) return false
          avail = subtractRanges(avail, [r])
        }
      }
    } else if (w.type === 'SET') {
      const items = new Set(pool.flatMap((h) => h.set?.item ?? []))
      for (const x of ws) for (const i of x.set?.item ?? []) if (!items.has(i)) return false
    }
  }
  return true
}

/** `have - take` by identity ({@link resourceKey}); scalars rounded to 1/1000, empty entries dropped. */
export function subtractResources(have: readonly Resource[], take: readonly Resource[]): Resource[] {
  if (take.length === 0) return have.slice()
  const byKey = new Map<string, Resource[]>()
  for (const t of take) {
    const k = key(t)
    const list = byKey.get(k)
    if (list) list.push(t)
    else byKey.set(k, [t])
  }
  const out: Resource[] = []
  for (const h of have) {
    const k = key(h)
    const same = byKey.get(k)
    if (!same) {
      out.push(h)
      continue
    }
    if (h.type === 'SCALAR') {
      const want = same.reduce((s, t) => s + (t.scalar?.value ?? 0), 0)
      const hv = h.scalar?.value ?? 0
      const v = Math.round((hv - want) * 1000) / 1000
      // what this entry could not cover is taken from the next entry of the same key
      const rest = Math.round((want - hv) * 1000) / 1000
      byKey.set(k, rest > 0 ? [{ ...same[0], scalar: { value: rest } }] : [])
      if (v > 0) out.push({ ...h, scalar: { value: v } })
    } else if (h.type === 'RANGES') {
      const left = subtractRanges(
        h.ranges?.range ?? [],
        same.flatMap((t) => t.ranges?.range ?? []),
      )
      if (left.length > 0) out.push({ ...h, ranges: { range: left } })
    } else if (h.type === 'SET') {
      const drop = new Set(same.flatMap((t) => t.set?.item ?? []))
      const left = (h.set?.item ?? []).filter((i) => !drop.has(i))
      if (left.length > 0) out.push({ ...h, set: { item: left } })
    } else out.push(h)
  }
  return out
}

/** `a + b`, merging scalars, ranges and sets of the same identity ({@link resourceKey}). */
export function addResources(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  const out: Resource[] = a.map((r) => structuredClone(r))
  const index = new Map<string, Resource>()
  for (const o of out) if (!index.has(key(o))) index.set(key(o), o)
  for (const r of b) {
    const k = key(r)
    const same = index.get(k)
    if (!same) {
      const c = structuredClone(r)
      out.push(c)
      index.set(k, c)
      continue
    }
    if (r.type === 'SCALAR')
      same.scalar = { value: Math.round(((same.scalar?.value ?? 0) + (r.scalar?.value ?? 0)) * 1000) / 1000 }
    else if (r.type === 'RANGES') {
      const all = [...(same.ranges?.range ?? []), ...(r.ranges?.range ?? [])].sort((x, y) => x.begin - y.begin)
      const merged: Range[] = []
      for (const x of all) {
        const last = merged[merged.length - 1]
        if (last && x.begin <= last.end + 1) last.end = Math.max(last.end, x.end)
        else merged.push({ ...x })
      }
      same.ranges = { range: merged }
    } else if (r.type === 'SET') {
      same.set = { item: [...new Set([...(same.set?.item ?? []), ...(r.set?.item ?? [])])] }
    }
  }
  return out
}

/** True when `a` and `b` hold the same amounts of the same resources (each contains the other). */
export function sameResources(a: readonly Resource[], b: readonly Resource[]): boolean {
  return containsResources(a, b) && containsResources(b, a)
}

/** Human text such as `cpus:2; mem:4096; ports:[31000-31999]`. */
export function formatResources(resources: readonly Resource[]): string {
  return resources
    .map((r) => {
      const role = resourceRole(r)
      const name = role === '*' ? r.name : `${r.name}(${role})`
      if (r.type === 'SCALAR') return `${name}:${r.scalar?.value}`
      if (r.type === 'RANGES') return `${name}:[${(r.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(',')}]`
      return `${name}:{${(r.set?.item ?? []).join(',')}}`
    })
    .join('; ')
}
