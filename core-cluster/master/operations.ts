/** Resource operations: RESERVE, UNRESERVE, CREATE and DESTROY as pure conversions of resources. */

import {
  addResources,
  containsResources,
  isPersistentVolume,
  normalizeResource,
  popReservation,
  type Resource,
  reservationStack,
  resourceRole,
  subtractResources,
  withoutVolume,
} from '../proto/index.js'
import { roleMayUse } from './allocator/index.js'

/**
 * Offer operations that change resources rather than launch tasks: RESERVE, UNRESERVE, CREATE and
 * DESTROY (`include/mesos/v1/mesos.proto` Offer.Operation, `docs/reservation.md`, `docs/persistent-volume.md`). Each turns some of an offer's resources
 * (`consumed`) into others (`produced`); the master applies the same conversion to the offer's
 * remainder and to the agent's total. Pure functions: no master state.
 */

/** Who performs the operation: the framework's role (the offer's allocation role) and principal. */
export interface OperationContext {
  role: string
  principal?: string
  /** The agent's total resources (for persistence-id uniqueness). */
  agentTotal: readonly Resource[]
  /** the framework has RESERVATION_REFINEMENT (needed to refine a reservation to a sub-role) */
  refinement?: boolean
}

/** A valid operation's conversion, or the reason it is refused. */
export type Conversion = { consumed: Resource[]; produced: Resource[] } | { error: string }

function describe(r: Resource): string {
  const v =
    r.type === 'SCALAR'
      ? String(r.scalar?.value ?? 0)
      : r.type === 'RANGES'
        ? (r.ranges?.range ?? []).map((x) => `${x.begin}-${x.end}`).join(',')
        : (r.set?.item ?? []).join(',')
  return `${r.name}(${resourceRole(r)}):${v}`
}

/**
 * RESERVE: each resource carries a reservation stack whose innermost entry is DYNAMIC, for the
 * framework's role, with the framework's principal; the same resources without that entry must be in
 * the offer. Consumes the unreserved (or less refined) resources, produces the reserved ones.
 */
export function reserve(
  ctx: OperationContext,
  offered: readonly Resource[],
  resources: readonly Resource[] | undefined,
): Conversion {
  if (!resources || resources.length === 0) return { error: "RESERVE: 'reserve.resources' must not be empty" }
  const produced: Resource[] = []
  const consumed: Resource[] = []
  for (const raw of resources) {
    const r = normalizeResource(raw)
    const stack = r.reservations ?? []
    const top = stack[stack.length - 1]
    if (!top)
      return {
        error: `RESERVE: resource ${describe(r)} has no reservation; set 'reservations' (or 'role' and 'reservation') to the role to reserve for`,
      }
    if (top.type !== 'DYNAMIC') return { error: `RESERVE: the reservation of ${describe(r)} must be of type DYNAMIC` }
    if (top.role !== ctx.role)
      return { error: `RESERVE: resources can only be reserved for the offer's role '${ctx.role}', not '${top.role}'` }
    if ((top.principal ?? '') !== (ctx.principal ?? ''))
      return {
        error: `RESERVE: the reservation principal '${top.principal ?? ''}' must equal the framework's principal '${ctx.principal ?? ''}'`,
      }
    if (isPersistentVolume(r))
      return { error: 'RESERVE: a persistent volume cannot be reserved; reserve the disk, then CREATE the volume' }
    if (r.revocable) return { error: 'RESERVE: revocable resources cannot be reserved' }
    const parent = stack[stack.length - 2]
    if (parent && ctx.refinement === false)
      return {
        error: 'RESERVE: refining a reservation (a stack of 2 or more) needs the RESERVATION_REFINEMENT capability',
      }
    if (parent && !(top.role ?? '').startsWith(`${parent.role}/`))
      return { error: `RESERVE: a refined reservation's role '${top.role}' must be a sub-role of '${parent.role}'` }
    produced.push(r)
    consumed.push(popReservation(r))
  }
  if (!containsResources(offered, consumed))
    return { error: `RESERVE: the offer does not hold ${consumed.map(describe).join('; ')}` }
  return { consumed, produced }
}

/**
 * UNRESERVE: each resource must be dynamically reserved (innermost entry DYNAMIC), in the offer, and
 * not a persistent volume (DESTROY it first). Partial unreserve is allowed. Produces the resources
 * with their innermost reservation removed.
 */
export function unreserve(
  ctx: OperationContext,
  offered: readonly Resource[],
  resources: readonly Resource[] | undefined,
): Conversion {
  if (!resources || resources.length === 0) return { error: "UNRESERVE: 'unreserve.resources' must not be empty" }
  const consumed: Resource[] = []
  const produced: Resource[] = []
  for (const raw of resources) {
    const r = normalizeResource(raw)
    const stack = r.reservations ?? []
    const top = stack[stack.length - 1]
    if (top?.type !== 'DYNAMIC')
      return {
        error: `UNRESERVE: ${describe(r)} is not dynamically reserved (static reservations change only with the agent's --resources)`,
      }
    if (isPersistentVolume(r))
      return {
        error: `UNRESERVE: ${describe(r)} backs persistent volume '${r.disk!.persistence!.id}'; DESTROY the volume first`,
      }
    if (!roleMayUse(ctx.role, top.role ?? '*'))
      return { error: `UNRESERVE: ${describe(r)} is reserved for '${top.role}', not the offer's role '${ctx.role}'` }
    consumed.push(r)
    produced.push(popReservation(r))
  }
  if (!containsResources(offered, consumed))
    return {
      error: `UNRESERVE: the offer does not hold ${consumed.map(describe).join('; ')} (reserved resources in use by tasks are not offered)`,
    }
  return { consumed, produced }
}

/**
 * CREATE: persistent volumes on reserved disk. Each volume is a `disk` scalar with
 * `disk.persistence.id` (unique per role on the agent), `disk.volume.container_path` (relative to the
 * sandbox, no `..`), reserved for the framework's role; the same disk without persistence must be in
 * the offer.
 */
export function create(
  ctx: OperationContext,
  offered: readonly Resource[],
  volumes: readonly Resource[] | undefined,
): Conversion {
  if (!volumes || volumes.length === 0) return { error: "CREATE: 'create.volumes' must not be empty" }
  const consumed: Resource[] = []
  const produced: Resource[] = []
  const ids = new Set<string>()
  for (const raw of volumes) {
    const v = normalizeResource(raw)
    if (v.name !== 'disk' || v.type !== 'SCALAR')
      return { error: `CREATE: a volume must be a 'disk' scalar, got '${v.name}'` }
    const id = v.disk?.persistence?.id
    if (!id) return { error: "CREATE: a volume needs 'disk.persistence.id'" }
    if (!/^[A-Za-z0-9_.-]+$/.test(id) || id === '.' || id === '..')
      return { error: `CREATE: persistence id '${id}' may hold only letters, digits, '_', '-' and '.'` }
    const path = v.disk?.volume?.container_path
    if (!path)
      return {
        error: `CREATE: volume '${id}' needs 'disk.volume.container_path' (a path relative to the sandbox, such as 'data')`,
      }
    if (path.startsWith('/') || path.split('/').includes('..'))
      return {
        error: `CREATE: container_path '${path}' of volume '${id}' must be relative to the sandbox and must not contain '..'`,
      }
    const role = resourceRole(v)
    if (role === '*')
      return { error: `CREATE: volume '${id}' must be on reserved disk (reserve the disk for '${ctx.role}' first)` }
    if (!roleMayUse(ctx.role, role))
      return { error: `CREATE: volume '${id}' is on disk reserved for '${role}', not the offer's role '${ctx.role}'` }
    if (ctx.principal !== undefined && (v.disk?.persistence?.principal ?? ctx.principal) !== ctx.principal)
      return {
        error: `CREATE: the volume principal '${v.disk?.persistence?.principal}' must equal the framework's principal '${ctx.principal}'`,
      }
    if (
      ids.has(id) ||
      ctx.agentTotal.some((t) => isPersistentVolume(t) && t.disk!.persistence!.id === id && resourceRole(t) === role)
    )
      return { error: `CREATE: persistence id '${id}' is already in use for role '${role}' on this agent` }
    ids.add(id)
    produced.push(v)
    consumed.push(withoutVolume(v))
  }
  if (!containsResources(offered, consumed))
    return { error: `CREATE: the offer does not hold the reserved disk ${consumed.map(describe).join('; ')}` }
  return { consumed, produced }
}

/** DESTROY: persistent volumes in the offer (so not in use by a task) go back to plain reserved disk. */
export function destroy(
  _ctx: OperationContext,
  offered: readonly Resource[],
  volumes: readonly Resource[] | undefined,
): Conversion {
  if (!volumes || volumes.length === 0) return { error: "DESTROY: 'destroy.volumes' must not be empty" }
  const consumed: Resource[] = []
  const produced: Resource[] = []
  for (const raw of volumes) {
    const v = normalizeResource(raw)
    if (!isPersistentVolume(v)) return { error: `DESTROY: ${describe(v)} is not a persistent volume` }
    consumed.push(v)
    produced.push(withoutVolume(v))
  }
  if (!containsResources(offered, consumed))
    return {
      error: `DESTROY: the offer does not hold volume(s) ${consumed.map((v) => v.disk!.persistence!.id).join(', ')} (a volume in use by a task is not offered)`,
    }
  return { consumed, produced }
}

/** The four resource operations, by their Offer.Operation type. */
export type ResourceOperation = 'RESERVE' | 'UNRESERVE' | 'CREATE' | 'DESTROY'

/**
 * One resource operation of either origin, an ACCEPT's Offer.Operation or an operator call
 * (RESERVE_RESOURCES, UNRESERVE_RESOURCES, CREATE_VOLUMES, DESTROY_VOLUMES): `resources` are the
 * operation's resources (RESERVE, UNRESERVE) or volumes (CREATE, DESTROY).
 */
export function convert(
  kind: ResourceOperation,
  ctx: OperationContext,
  offered: readonly Resource[],
  resources: readonly Resource[] | undefined,
): Conversion {
  if (kind === 'RESERVE') return reserve(ctx, offered, resources)
  if (kind === 'UNRESERVE') return unreserve(ctx, offered, resources)
  if (kind === 'CREATE') return create(ctx, offered, resources)
  return destroy(ctx, offered, resources)
}

/** `resources - consumed + produced`. */
export function applyConversion(
  resources: readonly Resource[],
  c: { consumed: Resource[]; produced: Resource[] },
): Resource[] {
  return addResources(subtractResources(resources, c.consumed), c.produced)
}

/**
 * What an agent checkpoints (Mesos `resources_and_operations.state`): its dynamically reserved
 * resources and persistent volumes.
 */
export function checkpointedOf(total: readonly Resource[]): Resource[] {
  return total.filter((r) => isPersistentVolume(r) || reservationStack(r).some((s) => s.type === 'DYNAMIC'))
}

/**
 * An agent's total from its `--resources` and checkpointed reservations/volumes: each checkpointed
 * resource replaces the matching plain resource (dynamic reservations and volume removed). Entries
 * that no longer fit (the agent's `--resources` shrank) are skipped and reported.
 */
export function applyCheckpointed(
  staticResources: readonly Resource[],
  checkpointed: readonly Resource[],
): { total: Resource[]; skipped: Resource[] } {
  let total = staticResources.map(normalizeResource)
  const skipped: Resource[] = []
  for (const raw of checkpointed) {
    const c = normalizeResource(raw)
    let base = withoutVolume(c)
    while ((base.reservations ?? []).some((s) => s.type === 'DYNAMIC')) base = popReservation(base)
    if (!containsResources(total, [base])) {
      skipped.push(c)
      continue
    }
    total = addResources(subtractResources(total, [base]), [c])
  }
  return { total, skipped }
}
