/** The node id space: brokers below 1,000,000, the KRaft controllers the scheduler runs from it up. */

/** Node ids from this number up are KRaft controllers; brokers use lower ids (ids never collide). */
export const CONTROLLER_BASE_ID = 1_000_000
