/** The HTTP helpers' public face: listening, RecordIO framing, event streams. */

export * from './listen.js'
export * from './recordio.js'
export * from './request-limits.js'
export * from './stream.js'
