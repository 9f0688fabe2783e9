/** Public face of the REST API: the hono app the scheduler serves. */

export { createApi } from './app.js'
