/** Public face of the broker model: nodes and their lifecycle rules, id expressions, constraints, offer matching, the status state machine. */

export {
  displayState,
  failoverDelayMs,
  failoverUntil,
  hasBrokerRole,
  hasControllerRole,
  type LastDecline,
  NODE_DEFAULTS,
  newNode,
  nodeJson,
  pendingChanges,
  stickyUntil,
} from './broker.js'
export { cloneBroker } from './clone.js'
export { formatConstraints, type Placement, parseConstraints } from './constraints.js'
export { type BrokerRef, brokerRefs, ExprError, expandIds, expandParam, interleaveByAttributes } from './expr.js'
export { declineSeconds, type Fit, isFit, type Mismatch, matchOffer, offerAttributes } from './matching.js'
export { applyStatus, giveUpUnreachable, type Reaction, unreachableGiveUpAt } from './state-machine.js'
