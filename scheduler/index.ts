/** Public face of the broker scheduler: starting it (the `scheduler` command), and its state stores. */

export { startScheduler } from './server.js'
export { openStore, StorageError } from './storage/index.js'
