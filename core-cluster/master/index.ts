/** The master's public face: starting a master, its HTTP app, and the allocator pieces the CLI, tests and bench use. */

export {
  type AllocatorAgent,
  type AllocatorFramework,
  allocate,
  dominantShare,
  MIN_ALLOCATABLE,
  offerableTo,
  validateRoleName,
} from './allocator/index.js'
export { CallError } from './errors.js'
export { OfferFilters } from './filters.js'
export { Master, type MasterOptions } from './master.js'
export { operatorCall } from './operator.js'
export { createMasterApp, type RunningMaster, startMaster } from './server.js'
export { parseWeights } from './weights.js'
