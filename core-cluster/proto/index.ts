export * from './codec.js'
export * from './types.js'
export * from './resources.js'
