/** Public face of the broker commands of the REST API: add, update, remove, clone, start, stop, list, and the scheduler's status. */

export { addBrokers } from './add.js'
export { cloneBrokers } from './clone.js'
export { brokerJson, listBrokers, schedulerStatus } from './list.js'
export { removeBrokers } from './remove.js'
export { startOrStop } from './start-stop.js'
export { updateBrokers } from './update.js'
