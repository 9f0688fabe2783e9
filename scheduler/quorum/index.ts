/** Public face of the KRaft quorum the scheduler runs: voters, gang placement, controller placement, voter changes (KIP-853), the stop guard. */

export { changeInProgress, type QuorumChangeOp } from './change.js'
export { QuorumChanger } from './changer.js'
export { changeVoters, controllerList } from './commands.js'
export { controllerPlacementConflict } from './controller-placement.js'
export { describeRunningQuorum } from './describe.js'
export { formatMode } from './format-mode.js'
export { initialControllersList, placeGang } from './gang.js'
export { quorumStopProblem } from './guard.js'
export { QuorumKeeper, type QuorumSettings } from './keeper.js'
export { bootstrapServers, brokerQuorum, brokersWaitFor, quorumPlaced, voterNodes } from './voters.js'
