export * from './codec.js'
export * from './resources.js'
export * from './types.js'
