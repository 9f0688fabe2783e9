/** Public face of the broker model: nodes and their lifecycle rules, id expressions, constraints, offer matching, the status state machine. */

export { hasBrokerRole, hasControllerRole, type LastDecline, newNode, nodeJson, pendingChanges } from './broker.js'
export { cloneBroker } from './clone.js'
export { formatConstraints, type Placement, parseConstraints } from './constraints.js'
export { type BrokerRef, brokerRefs, ExprError, expandParam, interleaveByAttributes } from './expr.js'
export { declineSeconds, type Fit, isFit, matchOffer, offerAttributes } from './matching.js'
export { applyStatus, giveUpUnreachable, type Reaction, unreachableGiveUpAt } from './state-machine.js'
