/** Public face of placement: offers → ACCEPT/DECLINE, the gang's held offers, the pure TaskInfo builder, task ids. */

export { type OfferDecision, OfferPlacer } from './offers.js'
export { nodeIdFromTaskId } from './task-id.js'
