export * from './recordio.js'
export * from './stream.js'
export * from './listen.js'
