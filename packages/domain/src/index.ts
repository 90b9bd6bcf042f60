export * from './errors.js'
export * from './calendar/index.js'
export * from './network/index.js'
export * from './demo/index.js'
