export { createApi, DEFAULT_WAIT_MS } from './app.js'
export { ApiError, readParams, validate, NodeParamsSchema, StartStopSchema } from './params.js'
