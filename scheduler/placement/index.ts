/** Public face of placement: offers → ACCEPT/DECLINE, the gang's held offers, the pure TaskInfo builder, task ids. */

export { QUORUM_HOLD_MS } from './held-offers.js'
export { type OfferDecision, OfferPlacer, type PlacementContext } from './offers.js'
export { nodeIdFromTaskId } from './task-id.js'
export { buildTaskInfo, type TaskInfoInput, type TaskSettings } from './task-info.js'
