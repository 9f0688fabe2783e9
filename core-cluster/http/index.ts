export * from './recordio.js'
export * from './stream.js'
