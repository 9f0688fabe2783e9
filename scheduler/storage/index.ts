export * from './state.js'
export * from './file-store.js'
