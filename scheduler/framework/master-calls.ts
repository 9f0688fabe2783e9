/** The calls the scheduler's parts send to the master: one type, one sender. */

import type { scheduler } from '../../core-cluster/proto/index.js'

/** A v1 scheduler Call as the client sends it (it adds the framework id; `include/mesos/v1/scheduler/scheduler.proto`). */
export type MasterCall = Omit<scheduler.Call, 'framework_id'>

/** Sends a call to the master; resolves false when it could not be sent (the client logs why). */
export type TryCall = (call: MasterCall) => Promise<boolean>
