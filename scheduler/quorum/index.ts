/** Public face of the KRaft quorum the scheduler runs: voters, gang placement, controller placement, voter changes (KIP-853), the stop guard. */

export {
  ADD_VOTER_TIMEOUT_MS,
  changeInProgress,
  describeChange,
  MAX_VOTERS,
  QUORUM_CHANGE_DEADLINE_MS,
  type QuorumChange,
  type QuorumChangeOp,
  QuorumChangeRefused,
  refusal,
  STOP_WAIT_MS,
} from './change.js'
export { type QuorumChangeContext, QuorumChanger } from './changer.js'
export { type ControllerCommandsContext, changeVoters, controllerList, DEFAULT_CHANGE_WAIT_MS } from './commands.js'
export { controllerPlacementConflict, RACK_PREFERENCE_MS } from './controller-placement.js'
export { type ControllerResources, newController, newControllers } from './controllers.js'
export { describeRunningQuorum, type QuorumContactOrder, quorumContacts } from './describe.js'
export { type FormatMode, formatMode } from './format-mode.js'
export { type GangPlacement, initialControllersList, offerRack, placeGang } from './gang.js'
export { quorumStopProblem } from './guard.js'
export { QuorumKeeper, type QuorumSettings } from './keeper.js'
export { changeJson, controllersJson, type QuorumMemberJson, quorumJson } from './views.js'
export {
  bootstrapServers,
  brokerQuorum,
  brokersWaitFor,
  controllerEndpoint,
  QUORUM_SIZES,
  quorumPlaced,
  voterNodes,
  voters,
} from './voters.js'
