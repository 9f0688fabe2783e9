export { createApi, DEFAULT_WAIT_MS } from './app.js'
export { ApiError, NodeParamsSchema, readParams, StartStopSchema, validate } from './params.js'
