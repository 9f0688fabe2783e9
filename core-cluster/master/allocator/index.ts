/** The allocator's public face: one allocation run, its inputs, and the role rules the master checks calls with. */

export { allocate } from './allocate.js'
export type { AllocatorAgent, AllocatorFramework, CpusMem, RoleQuota } from './interface.js'
export { roleMayUse, validateRoleName } from './roles.js'
