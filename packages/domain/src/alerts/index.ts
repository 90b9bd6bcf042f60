export * from './notes.js'
export * from './lifecycle.js'
export * from './incidents.js'
export * from './system.js'
