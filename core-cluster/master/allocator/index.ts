/** The allocator's public face: one allocation run, the role rules and the DRF arithmetic the master uses. */

export { allocate } from './allocate.js'
export type {
  AllocationRun,
  AllocatorAgent,
  AllocatorFramework,
  CpusMem,
  Grants,
  IsFiltered,
  RoleQuota,
} from './interface.js'
export { offerableTo, roleMayUse, validateRoleName } from './roles.js'
export { dominantShare, MIN_ALLOCATABLE } from './share.js'
