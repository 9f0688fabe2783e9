/** Where an app's instance may run: an offer's fit (cpus, mem, ports) and Marathon's constraints against the app's other tasks. */
import { attributeText, type Offer, type Resource, rangesOf, scalarSum } from '../proto/index.js'
import type { App } from './app.js'

/** Where an app's other tasks run, for constraints. */
export interface TaskPlace {
  hostname: string
  attributes: Record<string, string>
}

/** What one instance takes from an offer. */
export interface AppFit {
  resources: Resource[]
  ports: number[]
}

function fieldValue(field: string, hostname: string, attributes: Record<string, string>): string | undefined {
  if (field === 'hostname' || field === '@hostname') return hostname
  return attributes[field.replace(/^@/, '')]
}

/** Offer text attributes as `{name: value}`. */
export function offerAttributes(offer: Offer): Record<string, string> {
  const out: Record<string, string> = {}
  for (const a of offer.attributes ?? []) out[a.name] = attributeText(a)
  return out
}

/**
 * Marathon constraint check (UNIQUE, CLUSTER, LIKE, UNLIKE; regexes anchored as Marathon does).
 * @returns why the place is refused, or undefined when every constraint holds
 */
export function violatedConstraint(
  app: Pick<App, 'constraints'>,
  place: TaskPlace,
  others: readonly TaskPlace[],
): string | undefined {
  for (const c of app.constraints) {
    const [field, op, value] = c as [string, string, string?]
    const mine = fieldValue(field, place.hostname, place.attributes)
    if (mine === undefined) return `${field} ${op}: offer has no ${field}`
    const theirs = others
      .map((o) => fieldValue(field, o.hostname, o.attributes))
      .filter((v): v is string => v !== undefined)
    switch (op) {
      case 'UNIQUE':
        if (theirs.includes(mine)) return `${field} UNIQUE: ${mine} already runs an instance`
        break
      case 'CLUSTER': {
        const target = value ?? theirs[0]
        if (target !== undefined && mine !== target) return `${field} CLUSTER: ${mine} is not ${target}`
        break
      }
      case 'LIKE':
        if (!new RegExp(`^(?:${value ?? ''})$`).test(mine)) return `${field} LIKE ${value}: ${mine} does not match`
        break
      case 'UNLIKE':
        if (new RegExp(`^(?:${value ?? ''})$`).test(mine)) return `${field} UNLIKE ${value}: ${mine} matches`
        break
    }
  }
  return undefined
}

/**
 * Takes one instance's cpus, mem (MB) and ports out of `available` (the meta-framework runs in
 * role `*`, so these are unreserved resources).
 * Port 0 in portDefinitions means any offered port; another number means exactly that port.
 * @returns the resources and ports, or why they do not fit
 */
export function fitInstance(
  app: Pick<App, 'cpus' | 'mem' | 'portDefinitions'>,
  available: readonly Resource[],
): AppFit | string {
  if (scalarSum(available, 'cpus') + 1e-9 < app.cpus) return `cpus < ${app.cpus}`
  if (scalarSum(available, 'mem') + 1e-9 < app.mem) return `mem < ${app.mem}`
  const free = rangesOf(available, 'ports').flatMap((r) => ({ ...r }))
  const ports: number[] = []
  for (const def of app.portDefinitions) {
    let got: number | undefined
    for (const r of free) {
      if (def.port === 0) {
        if (r.begin <= r.end && !ports.includes(r.begin)) got = r.begin
      } else if (def.port >= r.begin && def.port <= r.end && !ports.includes(def.port)) got = def.port
      if (got !== undefined) break
    }
    if (got === undefined)
      return def.port === 0
        ? `not enough ports (${app.portDefinitions.length} needed)`
        : `port ${def.port} is not offered`
    ports.push(got)
    // remove the port from the free ranges
    for (let i = 0; i < free.length; i++) {
      const r = free[i]
      if (got < r.begin || got > r.end) continue
      free.splice(
        i,
        1,
        ...[
          { begin: r.begin, end: got - 1 },
          { begin: got + 1, end: r.end },
        ].filter((x) => x.begin <= x.end),
      )
      break
    }
  }
  const scalar = (name: string, value: number): Resource => ({ name, type: 'SCALAR', scalar: { value } })
  const resources: Resource[] = [scalar('cpus', app.cpus), scalar('mem', app.mem)]
  if (ports.length > 0)
    resources.push({ name: 'ports', type: 'RANGES', ranges: { range: ports.map((p) => ({ begin: p, end: p })) } })
  return { resources, ports }
}
