/** The Mesos v1 protocol's public face: message types, the codec, resource arithmetic. */

export * from './agent-link.js'
export * from './codec.js'
export * from './json-depth.js'
export * from './resources.js'
export * from './types.js'
