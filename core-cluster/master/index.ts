export {
  type AllocatorAgent,
  type AllocatorFramework,
  allocate,
  dominantShare,
  MIN_ALLOCATABLE,
  offerableTo,
  parseWeights,
  validateRoleName,
} from './allocator.js'
export { CallError } from './errors.js'
export { OfferFilters } from './filters.js'
export { Master, type MasterOptions } from './master.js'
export { operatorCall } from './operator.js'
export { createMasterApp, type RunningMaster, startMaster } from './server.js'
