export * from './listen.js'
export * from './recordio.js'
export * from './stream.js'
