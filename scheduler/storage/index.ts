export * from './state.js'
export * from './file-store.js'
export * from './etcd-store.js'
export * from './open.js'
