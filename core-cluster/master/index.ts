/** The master's public face: starting a master, the Master itself, the `--weights` flag, and the allocator the bench measures. */

export { type AllocatorAgent, type AllocatorFramework, allocate } from './allocator/index.js'
export { Master, type MasterOptions } from './master.js'
export { type RunningMaster, startMaster } from './server.js'
export { parseWeights } from './weights.js'
