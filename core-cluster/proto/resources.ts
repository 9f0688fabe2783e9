import type { Attribute, Range, Resource } from './types.js'

/** Raised for a malformed `--resources` or `--attributes` text; the message names the bad part. */
export class ResourceParseError extends Error {
  readonly code = 'KM_ERR_RESOURCES'
}

function parseRanges(text: string, name: string): Range[] {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '')
  return inner.split(',').filter((s) => s.trim() !== '').map((part) => {
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
  return text.split(';').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const m = /^([A-Za-z_][\w.-]*)(?:\(([^)]*)\))?\s*:\s*(.+)$/.exec(entry)
    if (!m) throw new ResourceParseError(`resources: bad entry "${entry}", expected name:value such as cpus:2`)
    const [, name, role, value] = m
    const base: Resource = { name, type: 'SCALAR' }
    if (role && role !== '*') base.reservation = { type: 'STATIC', role }
    if (role) base.role = role
    if (value.startsWith('[')) return { ...base, type: 'RANGES', ranges: { range: parseRanges(value, name) } }
    if (value.startsWith('{')) {
      const items = value.replace(/^\{|\}$/g, '').split(',').map((s) => s.trim()).filter(Boolean)
      return { ...base, type: 'SET', set: { item: items } }
    }
    const n = Number(value)
    if (!Number.isFinite(n) || n < 0) throw new ResourceParseError(`resources: ${name} must be a non-negative number, got "${value}"`)
    return { ...base, scalar: { value: n } }
  })
}

/**
 * Parses Mesos agent `--attributes`: `rack:r1;dc:d1`. Numbers become SCALAR, `[a-b]` RANGES,
 * `{a,b}` SET, anything else TEXT (as Mesos).
 * @throws ResourceParseError naming the bad entry
 */
export function parseAttributes(text: string): Attribute[] {
  return text.split(';').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const i = entry.indexOf(':')
    if (i <= 0) throw new ResourceParseError(`attributes: bad entry "${entry}", expected name:value such as rack:r1`)
    const name = entry.slice(0, i).trim()
    const value = entry.slice(i + 1).trim()
    if (/^-?\d+(\.\d+)?$/.test(value)) return { name, type: 'SCALAR', scalar: { value: Number(value) } }
    if (value.startsWith('[')) return { name, type: 'RANGES', ranges: { range: parseRanges(value, name) } }
    if (value.startsWith('{')) return { name, type: 'SET', set: { item: value.replace(/^\{|\}$/g, '').split(',').map((s) => s.trim()) } }
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

/** Role a resource is reserved to (`*` when unreserved). */
export function resourceRole(r: Resource): string {
  const stack = r.reservations
  if (stack && stack.length > 0) return stack[stack.length - 1].role ?? '*'
  return r.reservation?.role ?? r.role ?? '*'
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
      if (t.end < r.begin || t.begin > r.end) { next.push(r); continue }
      if (t.begin > r.begin) next.push({ begin: r.begin, end: t.begin - 1 })
      if (t.end < r.end) next.push({ begin: t.end + 1, end: r.end })
    }
    out = next
  }
  return out
}

function key(r: Resource): string {
  return `${r.name}|${resourceRole(r)}`
}

/** True when every scalar and range in `want` is available in `have` (role by role). */
export function containsResources(have: readonly Resource[], want: readonly Resource[]): boolean {
  for (const w of want) {
    const pool = have.filter((h) => key(h) === key(w))
    if (w.type === 'SCALAR') {
      const avail = pool.reduce((s, h) => s + (h.scalar?.value ?? 0), 0)
      if ((w.scalar?.value ?? 0) > avail + 1e-9) return false
    } else if (w.type === 'RANGES') {
      const avail = pool.flatMap((h) => h.ranges?.range ?? [])
      for (const r of w.ranges?.range ?? []) {
        if (!avail.some((a) => a.begin <= r.begin && r.end <= a.end)) return false
      }
    }
  }
  return true
}

/** `have - take` by name and role; scalars rounded to 1/1000, empty entries dropped. */
export function subtractResources(have: readonly Resource[], take: readonly Resource[]): Resource[] {
  const out: Resource[] = []
  for (const h of have) {
    const same = take.filter((t) => key(t) === key(h))
    if (h.type === 'SCALAR') {
      const v = Math.round(((h.scalar?.value ?? 0) - same.reduce((s, t) => s + (t.scalar?.value ?? 0), 0)) * 1000) / 1000
      if (v > 0) out.push({ ...h, scalar: { value: v } })
    } else if (h.type === 'RANGES') {
      const left = subtractRanges(h.ranges?.range ?? [], same.flatMap((t) => t.ranges?.range ?? []))
      if (left.length > 0) out.push({ ...h, ranges: { range: left } })
    } else out.push(h)
  }
  return out
}

/** `a + b`, merging scalars and ranges of the same name and role. */
export function addResources(a: readonly Resource[], b: readonly Resource[]): Resource[] {
  const out: Resource[] = a.map((r) => structuredClone(r))
  for (const r of b) {
    const same = out.find((o) => key(o) === key(r) && o.type === r.type)
    if (!same) { out.push(structuredClone(r)); continue }
    if (r.type === 'SCALAR') same.scalar = { value: Math.round(((same.scalar?.value ?? 0) + (r.scalar?.value ?? 0)) * 1000) / 1000 }
    else if (r.type === 'RANGES') {
      const all = [...(same.ranges?.range ?? []), ...(r.ranges?.range ?? [])].sort((x, y) => x.begin - y.begin)
      const merged: Range[] = []
      for (const x of all) {
        const last = merged[merged.length - 1]
        if (last && x.begin <= last.end + 1) last.end = Math.max(last.end, x.end)
        else merged.push({ ...x })
      }
      same.ranges = { range: merged }
    }
  }
  return out
}

/** Human text such as `cpus:2; mem:4096; ports:[31000-31999]`. */
export function formatResources(resources: readonly Resource[]): string {
  return resources.map((r) => {
    const role = resourceRole(r)
    const name = role === '*' ? r.name : `${r.name}(${role})`
    if (r.type === 'SCALAR') return `${name}:${r.scalar?.value}`
    if (r.type === 'RANGES') return `${name}:[${(r.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(',')}]`
    return `${name}:{${(r.set?.item ?? []).join(',')}}`
  }).join('; ')
}
