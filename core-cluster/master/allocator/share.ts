/** The DRF arithmetic: a framework's dominant share, and the smallest remainder worth offering. */

import { type Resource, scalarSum } from '../../proto/index.js'
import type { CpusMem } from './interface.js'

/** Mesos `--min_allocatable_resources` default `cpus:0.01|mem:32`: smaller remainders are not offered. */
export const MIN_ALLOCATABLE = { cpus: 0.01, mem: 32 }

/**
 * Dominant share of a framework: max over cpus and mem of allocated / cluster total, divided by the
 * role weight (DRF, as Mesos's `src/master/allocator/mesos/sorter/drf/sorter.cpp` and `docs/weights.md`).
 */
export function dominantShare(f: { allocated: CpusMem }, total: CpusMem, weight = 1): number {
  const cpuShare = total.cpus > 0 ? f.allocated.cpus / total.cpus : 0
  const memShare = total.mem > 0 ? f.allocated.mem / total.mem : 0
  return Math.max(cpuShare, memShare) / weight
}

/** True when `resources` hold at least the minimum allocatable cpus or mem. */
export function allocatable(resources: Resource[]): boolean {
  return scalarSum(resources, 'cpus') >= MIN_ALLOCATABLE.cpus || scalarSum(resources, 'mem') >= MIN_ALLOCATABLE.mem
}
